package dev.accessflow.workflows;

import java.time.Duration;
import java.util.List;

/**
 * Everything the workflow needs to run one request, resolved from the catalog at the edge so the
 * workflow itself never reads configuration: the role's groups, route, limits and timeouts.
 *
 * @param requestId business id (a Jira issue key when the request started in Jira)
 * @param requester IdP login (email) of the person who wants access
 * @param duration requested grant length
 * @param maxDuration the longest the grant may ever run, extensions included
 * @param approvalTimeout how long approvers have before the request times out
 * @param ticketKey the Jira issue the request was adopted from, or null to open a new one
 * @param policy auto-approval, self-extension and break-glass; null in histories recorded before approval policy
 */
public record AccessRequest(
    String requestId,
    String requester,
    String app,
    String role,
    List<String> groups,
    String riskTier,
    Duration duration,
    Duration maxDuration,
    String reason,
    Channel source,
    List<ApprovalStage> route,
    Duration approvalTimeout,
    String ticketKey,
    RequestPolicy policy) {

  public AccessRequest {
    groups = List.copyOf(groups);
    route = List.copyOf(route);
    policy = policy == null ? RequestPolicy.NONE : policy;
  }

  /** A request without approval policy beyond its route (the shape before approval policy). */
  public AccessRequest(String requestId, String requester, String app, String role, List<String> groups, String riskTier,
      Duration duration, Duration maxDuration, String reason, Channel source, List<ApprovalStage> route,
      Duration approvalTimeout, String ticketKey) {
    this(requestId, requester, app, role, groups, riskTier, duration, maxDuration, reason, source, route,
        approvalTimeout, ticketKey, RequestPolicy.NONE);
  }

  public AccessRequest withPolicy(RequestPolicy newPolicy) {
    return new AccessRequest(requestId, requester, app, role, groups, riskTier, duration, maxDuration, reason, source,
        route, approvalTimeout, ticketKey, newPolicy);
  }

  public AccessRequest withRoute(List<ApprovalStage> newRoute) {
    return new AccessRequest(requestId, requester, app, role, groups, riskTier, duration, maxDuration, reason, source,
        newRoute, approvalTimeout, ticketKey, policy);
  }
}
