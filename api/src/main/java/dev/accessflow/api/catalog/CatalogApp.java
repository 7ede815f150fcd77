package dev.accessflow.api.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An app people can ask access to, with its owners and roles (keyed by role id, in file order). */
public record CatalogApp(String id, String name, List<String> owners, Map<String, CatalogRole> roles) {
  public Optional<CatalogRole> role(String roleId) {
    return Optional.ofNullable(roles.get(roleId));
  }
}
