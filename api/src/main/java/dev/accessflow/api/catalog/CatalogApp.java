package dev.accessflow.api.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An app of the catalog, with its owners and roles (keyed by role id, in file order).
 *
 * @param approved people may ask for it; a discovered app stays unapproved (inventoried, not offered) until an admin approves it
 * @param review the app's recurring access review, or null for none
 * @param reclaim the app's auto-reclaim of unused access, or null for none
 */
public record CatalogApp(String id, String name, List<String> owners, Map<String, CatalogRole> roles, boolean approved,
    ReviewSchedule review, dev.accessflow.workflows.model.ReclaimPolicy reclaim) {

  /**
   * A recurring review of every role of the app.
   *
   * @param reviewers owners, manager or group:&lt;IdP group id&gt;
   * @param unreviewed keep, revoke or escalate (to the app's owners)
   */
  public record ReviewSchedule(java.time.Duration every, java.time.Duration dueIn, String reviewers, String unreviewed) {}

  public Optional<CatalogRole> role(String roleId) {
    return Optional.ofNullable(roles.get(roleId));
  }
}
