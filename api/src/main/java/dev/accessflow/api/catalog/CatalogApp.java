package dev.accessflow.api.catalog;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An app of the catalog, with its owners and roles (keyed by role id, in file order).
 *
 * @param approved people may ask for it; a discovered app stays unapproved (inventoried, not offered) until an admin approves it
 * @param review the app's recurring access review, or null for none
 * @param reclaim the app's auto-reclaim of unused access, or null for none (see {@link #reclaimFor}: it may be off)
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

  /** The reclaim policy of one role's memberships: the role's own, else the app's; null for none (or off). */
  public dev.accessflow.workflows.model.ReclaimPolicy reclaimFor(String roleId) {
    CatalogRole role = roles.get(roleId);
    var policy = role != null && role.reclaim() != null ? role.reclaim() : reclaim;
    return policy == null || policy.off() ? null : policy;
  }

  /**
   * The policy a scan of the app runs by (its sign-in log, its cadence): the app's, else that of the
   * role scanned most often; empty when neither the app nor any role reclaims.
   */
  public Optional<dev.accessflow.workflows.model.ReclaimPolicy> reclaimScan() {
    if (reclaim != null && !reclaim.off()) {
      return Optional.of(reclaim);
    }
    return roles.values().stream().map(CatalogRole::reclaim).filter(p -> p != null && !p.off())
        .min(java.util.Comparator.comparing(dev.accessflow.workflows.model.ReclaimPolicy::every));
  }
}
