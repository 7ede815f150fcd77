package dev.accessflow.workflows.model;

/**
 * A message about a request (granted, denied, expiring, revoked...), to its requester or, as an
 * outcome, on the approvers' messages.
 *
 * @param decision the decision this notice reports (who, how, when), or null when none made it
 */
public record RequesterNotice(String requestId, String requester, AuditKind kind, String text, RecordedDecision decision) {
  public RequesterNotice(String requestId, String requester, AuditKind kind, String text) {
    this(requestId, requester, kind, text, null);
  }
}
