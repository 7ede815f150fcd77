package dev.accessflow.api.catalog;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The validated app catalog: apps keyed by id, in file order. */
public record Catalog(String source, Map<String, CatalogApp> apps) {
  public Optional<CatalogApp> app(String appId) {
    return Optional.ofNullable(apps.get(appId));
  }

  /** Every IdP group id any role names (for start-up checks against the IdP). */
  public Set<String> groupIds() {
    Set<String> ids = new TreeSet<>();
    apps.values().forEach(app -> app.roles().values().forEach(role -> ids.addAll(role.groups())));
    return ids;
  }
}
