package dev.accessflow.api.rest;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.RecordedDecision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A request as the REST API shows it ({@code GET /v1/requests/{id}}): its own shape, not the
 * workflow's state record, so internals (chat message refs, the stage index) stay inside and the
 * workflow can change without changing the API. Pinned by a JSON fixture test.
 *
 * @param route the stages as resolved for this request (manager filled in, requester left out)
 * @param waitingFor the stage decisions go to now, or null when none is waiting
 * @param ticketBacklog audit entries not yet on the ticket (non-zero while Jira is down)
 */
public record RequestView(
    String requestId,
    String requester,
    String app,
    String role,
    String riskTier,
    String reason,
    String source,
    Duration duration,
    Duration maxDuration,
    List<GroupView> groups,
    String status,
    Instant submittedAt,
    List<StageView> route,
    String waitingFor,
    List<DecisionView> decisions,
    Instant grantedAt,
    Instant expiresAt,
    Instant revokedAt,
    Duration revocationLag,
    Instant revocationOverdueSince,
    boolean breakGlass,
    boolean breakGlassUnreviewed,
    String ticketKey,
    int ticketBacklog,
    String lastError) {

  /** An IdP group of the role; name is the IdP's display name where known. */
  public record GroupView(String id, String name) {}

  /**
   * One stage: who decides it and how many approvals complete it.
   *
   * @param requesterManager the requester's manager decides too, not yet known (resolved from the IdP by the workflow)
   */
  public record StageView(String name, String rule, List<String> approvers, int required, boolean requesterManager) {
    static StageView of(ApprovalStage stage) {
      return new StageView(stage.name(), stage.rule(), stage.approvers(), stage.required(), stage.requesterManager());
    }
  }

  /** One decision as applied: who, how, where, when, at which stage. */
  public record DecisionView(String actor, String verdict, String channel, String comment, Instant at, String stage) {
    static DecisionView of(RecordedDecision d) {
      return new DecisionView(d.actor(), d.verdict().name(), d.channel().name(), d.comment(), d.at(), d.stage());
    }
  }

  public static RequestView of(AccessRequestState state) {
    AccessRequest r = state.request();
    List<ApprovalStage> route = state.route() == null ? r.route() : state.route();
    // The index stays internal: it points at a stage only while a round (approval, extension, review) is open.
    String waiting = state.stageIndex() < route.size() && (!state.status().isClosed() || state.breakGlassUnreviewed())
        ? route.get(state.stageIndex()).name() : null;
    return new RequestView(r.requestId(), r.requester(), r.app(), r.role(), r.riskTier(), r.reason(),
        r.source() == null ? null : r.source().name(), r.duration(), r.maxDuration(),
        r.groups().stream().map(g -> new GroupView(g, r.groupNames().get(g))).toList(),
        state.status().name(), state.submittedAt(), route.stream().map(StageView::of).toList(), waiting,
        state.decisions().stream().map(DecisionView::of).toList(), state.grantedAt(), state.expiresAt(),
        state.revokedAt(), state.revocationLag(), state.revocationOverdueSince(), r.policy().breakGlass(),
        state.breakGlassUnreviewed(), state.ticketKey(), state.ticketBacklog(), state.lastError());
  }
}
