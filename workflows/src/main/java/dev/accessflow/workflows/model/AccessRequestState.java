package dev.accessflow.workflows.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The whole state of one request, as returned by the workflow's query.
 *
 * @param stageIndex index into route of the stage awaiting decisions (== route size once approved)
 * @param revocationOverdueSince set while a due revocation has not yet succeeded
 * @param revocationLag how long after it was due the membership was actually removed
 * @param ticketBacklog audit entries not yet written to the ticket (non-zero while Jira is down)
 * @param route the route as resolved at submission (manager filled in, requester left out, escalations added)
 * @param breakGlassUnreviewed an emergency grant whose after-the-fact review is not complete yet
 */
public record AccessRequestState(
    AccessRequest request,
    RequestStatus status,
    Instant submittedAt,
    int stageIndex,
    List<RecordedDecision> decisions,
    String idpUserId,
    Instant grantedAt,
    Instant expiresAt,
    Instant revokedAt,
    Instant revocationOverdueSince,
    Duration revocationLag,
    String ticketKey,
    List<ChatMessageRef> approverMessages,
    String lastError,
    int ticketBacklog,
    List<ApprovalStage> route,
    boolean breakGlassUnreviewed) {

  /** The same state without the request it is about (the ledger has that from the first part). */
  public AccessRequestState withoutRequest() {
    return withRequest(null);
  }

  public AccessRequestState withRequest(AccessRequest about) {
    return new AccessRequestState(about, status, submittedAt, stageIndex, decisions, idpUserId, grantedAt, expiresAt,
        revokedAt, revocationOverdueSince, revocationLag, ticketKey, approverMessages, lastError, ticketBacklog, route,
        breakGlassUnreviewed);
  }
}
