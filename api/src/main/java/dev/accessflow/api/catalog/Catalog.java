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

  /** Only what people may ask for: approved apps, with their approved roles (REST, Slack and Jira offer these). */
  public Catalog requestable() {
    Map<String, CatalogApp> offered = new java.util.LinkedHashMap<>();
    apps.forEach((id, app) -> {
      Map<String, CatalogRole> roles = new java.util.LinkedHashMap<>();
      app.roles().forEach((roleId, role) -> {
        if (role.approved()) {
          roles.put(roleId, role);
        }
      });
      if (app.approved() && !roles.isEmpty()) {
        offered.put(id, new CatalogApp(app.id(), app.name(), app.owners(), roles, true, app.review(), app.reclaim()));
      }
    });
    return new Catalog(source, offered);
  }

  /** Every IdP group id any role names (for start-up checks against the IdP). */
  public Set<String> groupIds() {
    Set<String> ids = new TreeSet<>();
    apps.values().forEach(app -> app.roles().values().forEach(role -> ids.addAll(role.groups())));
    return ids;
  }
}
