package dev.accessflow.api.catalog;

import dev.accessflow.workflows.model.ApprovalStage;
import java.time.Duration;
import java.util.List;

/**
 * A requestable role of an app: the IdP groups it maps to, its risk tier, and its policy as resolved
 * from the tier defaults and the role's overrides: allowed durations, whether an expiry is required,
 * the approval route (owners, groups and named users already turned into logins; the manager is
 * filled in by the workflow from the IdP), auto-approval and break-glass.
 *
 * @param approvers the legacy single-stage approver list as written (empty when the role uses a route)
 * @param expiryRequired false: a request may leave the duration out and gets maxDuration
 * @param selfExtend the requester may extend their own grant up to maxDuration
 * @param breakGlass null when the role allows no emergency access
 * @param expiringSoonLead how long before expiry the requester is warned (the catalog's timings); null = never
 * @param drift what happens to a membership of the role's groups with no grant behind it: report, remove or adopt
 * @param driftGrace under remove, how long the person has to file a request before the membership is taken away
 * @param approved people may ask for it (the role and its app are approved)
 * @param reclaim the role's own auto-reclaim over the app's, or null: the app's applies
 */
public record CatalogRole(
    String id,
    String name,
    List<String> groups,
    RiskTier risk,
    List<String> approvers,
    List<Duration> durations,
    Duration maxDuration,
    List<ApprovalStage> route,
    boolean expiryRequired,
    boolean selfExtend,
    AutoApproval autoApprove,
    BreakGlass breakGlass,
    Duration expiringSoonLead,
    String drift,
    Duration driftGrace,
    boolean approved,
    dev.accessflow.workflows.model.ReclaimPolicy reclaim) {
  /** Drift policies a role may name. */
  public static final java.util.List<String> DRIFT_POLICIES = java.util.List.of("report", "remove", "adopt");
  /** The grace before a removal under the remove policy, unless the role sets one. */
  public static final Duration DEFAULT_DRIFT_GRACE = Duration.ofHours(24);


  public boolean allows(Duration duration) {
    return durations.contains(duration);
  }
}
