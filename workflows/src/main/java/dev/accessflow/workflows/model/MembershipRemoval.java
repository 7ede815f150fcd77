package dev.accessflow.workflows.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The removal of one request's memberships, carried across continue-as-new while the IdP is down.
 *
 * @param outcomes per group id, the answer of each release done so far
 * @param failingSince when the first try of this removal failed; null while none has
 * @param reportedError the IdP's last error told to the request (told again only when it changes)
 * @param reportedAt when that error was told
 */
public record MembershipRemoval(
    String requestId,
    List<Membership> memberships,
    Map<String, String> groupLabels,
    Map<String, String> outcomes,
    Instant failingSince,
    String reportedError,
    Instant reportedAt) {

  public MembershipRemoval {
    memberships = List.copyOf(memberships);
    groupLabels = groupLabels == null ? Map.of() : Map.copyOf(groupLabels);
    outcomes = outcomes == null ? Map.of() : Map.copyOf(outcomes);
  }
}
