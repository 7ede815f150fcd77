package dev.accessflow.workflows.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * @param policy auto-approval, self-extension and break-glass; null means none
 * @param groupNames the IdP's display name of each group id, where known (tickets and messages name groups)
 * @param requesterProfile the requester as the IdP answered at intake (the workflow then skips asking again), or
 *     null when the intake could not ask: the workflow resolves the requester itself
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
    RequestPolicy policy,
    Map<String, String> groupNames,
    IdpUser requesterProfile) {

  public AccessRequest {
    groups = List.copyOf(groups);
    route = List.copyOf(route);
    policy = policy == null ? RequestPolicy.NONE : policy;
    groupNames = groupNames == null ? Map.of() : Map.copyOf(groupNames);
  }



  /** A group as people read it: "github-admins (00gQedUStPKR0CsTy4Qw)", or the id alone when the IdP gave no other name. */
  public String groupLabel(String groupId) {
    String name = groupNames.get(groupId);
    return name == null || name.isBlank() || name.equals(groupId) ? groupId : name + " (" + groupId + ")";
  }

  /** Every group of the role, labelled, comma-separated. */
  public String groupLabels() {
    return String.join(", ", groups.stream().map(this::groupLabel).toList());
  }


  public AccessRequest withPolicy(RequestPolicy newPolicy) {
    return new AccessRequest(requestId, requester, app, role, groups, riskTier, duration, maxDuration, reason, source,
        route, approvalTimeout, ticketKey, newPolicy, groupNames, requesterProfile);
  }

  public AccessRequest withRoute(List<ApprovalStage> newRoute) {
    return new AccessRequest(requestId, requester, app, role, groups, riskTier, duration, maxDuration, reason, source,
        newRoute, approvalTimeout, ticketKey, policy, groupNames, requesterProfile);
  }

  /** The same request with the requester's profile as the IdP gave it at intake. */
  public AccessRequest withRequesterProfile(IdpUser profile) {
    return new AccessRequest(requestId, requester, app, role, groups, riskTier, duration, maxDuration, reason, source,
        route, approvalTimeout, ticketKey, policy, groupNames, profile);
  }
}
