package dev.accessflow.api.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An app of the catalog, with its owners and roles (keyed by role id, in file order).
 *
 * @param approved people may ask for it; a discovered app stays unapproved (inventoried, not offered) until an admin approves it
 */
public record CatalogApp(String id, String name, List<String> owners, Map<String, CatalogRole> roles, boolean approved) {
  public Optional<CatalogRole> role(String roleId) {
    return Optional.ofNullable(roles.get(roleId));
  }
}
