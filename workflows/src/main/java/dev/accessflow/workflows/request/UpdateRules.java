package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.model.RequestStatus.*;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.approval.ApprovalRound;
import dev.accessflow.workflows.approval.ApprovalRound.Progress;
import dev.accessflow.workflows.approval.ApprovalRound.Purpose;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.UpdateOutcome;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.function.Supplier;

/**
 * Who may decide, extend or revoke a request, and what each accepted update does to it. Every
 * check names why it refused; a refused update leaves no trace in history (validators run first).
 * The handlers check again what an update accepted earlier in the same workflow task can change.
 */
final class UpdateRules {
  private final AccessRequestWorkflowImpl w;

  UpdateRules(AccessRequestWorkflowImpl workflow) {
    this.w = workflow;
  }

  /** Applies an external event once: a redelivery gets the first answer again. */
  UpdateOutcome once(AppliedEvents.Kind kind, String eventId, Supplier<UpdateOutcome> apply) {
    UpdateOutcome previous = w.appliedEvents.previous(kind, eventId);
    if (previous != null) {
      return previous;
    }
    UpdateOutcome outcome = apply.get();
    w.appliedEvents.put(kind, eventId, outcome);
    return outcome;
  }

  // ---- decisions ----

  void checkDecide(Decision decision) {
    require(decision != null, "a decision is required");
    requireText(decision.eventId(), "eventId");
    requireText(decision.actor(), "actor");
    require(decision.verdict() != null, "verdict is required (APPROVE or DENY)");
    require(decision.channel() != null, "channel is required");
    if (w.appliedEvents.applied(AppliedEvents.Kind.DECIDE, decision.eventId())) {
      return; // a redelivery: the handler answers with the first outcome
    }
    if (!takesDecisions(w.round)) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, notPendingReason());
    }
    ApprovalRound.Refusal refusal = w.round.refusal(decision.actor(), w.request.requestId());
    if (refusal != null) {
      throw refused(refusal.kind(), refusal.reason());
    }
  }

  /** The approval from submission on, a break-glass review while it is open, an extension while the grant runs. */
  private boolean takesDecisions(ApprovalRound round) {
    if (round == null || round.done()) {
      return false;
    }
    return switch (round.purpose()) {
      case APPROVAL -> w.status == PENDING_APPROVAL || w.status == SUBMITTED;
      case REVIEW -> w.reviewPending;
      case EXTENSION -> w.status == ACTIVE && w.revocation == null;
    };
  }

  private boolean awaitingManager() {
    return !w.status.isClosed() && w.round != null && !w.round.done() && w.round.current().requesterManager();
  }

  UpdateOutcome decide(Decision decision) {
    if (awaitingManager()) {
      // Arrived before the route was resolved against the IdP: wait for it, then check as the validator would.
      Workflow.await(() -> !awaitingManager());
      UpdateOutcome previous = w.appliedEvents.previous(AppliedEvents.Kind.DECIDE, decision.eventId());
      if (previous != null) {
        return previous;
      }
    }
    // Again here: a decision accepted earlier in this workflow task may have completed the round.
    checkDecide(decision);
    ApprovalRound round = w.round;
    int index = round.stageIndex();
    ApprovalStage stage = round.current();
    RecordedDecision recorded = new RecordedDecision(decision.eventId(), decision.actor(), decision.verdict(),
        decision.channel(), decision.comment(), AccessRequestWorkflowImpl.now(), stage.name());
    w.decisions.add(recorded);
    Progress progress = round.record(recorded);
    return switch (round.purpose()) {
      case APPROVAL -> approval(recorded, round, index, stage, progress);
      case REVIEW -> review(recorded, round, stage, progress);
      case EXTENSION -> extension(recorded, round, stage, progress);
    };
  }

  private UpdateOutcome approval(RecordedDecision d, ApprovalRound round, int index, ApprovalStage stage, Progress progress) {
    if (progress == Progress.DENIED) {
      w.transition(DENIED);
      return new UpdateOutcome(DENIED, "denied by " + d.actor());
    }
    w.audit(AuditKind.DECISION, RequestTexts.approvedAtStage(d, stage, round.approvals(index)));
    return switch (progress) {
      case COUNTED -> new UpdateOutcome(PENDING_APPROVAL, "approval " + round.approvals(index) + " of "
          + stage.required() + " recorded for stage '" + stage.name() + "'");
      case NEXT_STAGE -> new UpdateOutcome(PENDING_APPROVAL, "stage '" + stage.name() + "' complete; waiting for stage '"
          + round.current().name() + "'");
      default -> {
        w.approvedBy = AccessflowTemporal.APPROVED_BY_PEOPLE;
        w.transition(APPROVED);
        yield new UpdateOutcome(APPROVED, "approved by " + d.actor());
      }
    };
  }

  private UpdateOutcome review(RecordedDecision d, ApprovalRound round, ApprovalStage stage, Progress progress) {
    if (progress == Progress.DENIED) {
      w.reviewPending = false;
      w.breakGlassReview = "rejected";
      w.publishOperatorAttributes();
      w.refreshDetails();
      w.audit(AuditKind.BREAK_GLASS_REVIEWED, "Break-glass review: " + d.actor() + " rejected the emergency access"
          + RequestTexts.comment(d.comment()) + "."
          + (w.status.holdsAccess() || w.status == APPROVED ? " The access is removed now." : ""));
      w.revokeAfterReview(d);
      return new UpdateOutcome(w.status, "break-glass rejected by " + d.actor());
    }
    w.audit(AuditKind.DECISION, "Break-glass review approved by " + d.actor() + " via " + d.channel()
        + " at stage '" + stage.name() + "'" + RequestTexts.comment(d.comment()) + ".");
    if (progress == Progress.NEXT_STAGE) {
      w.approval.ask(round, round.stageIndex());
    } else if (progress == Progress.COMPLETE) {
      w.reviewPending = false;
      w.breakGlassReview = "kept";
      w.publishOperatorAttributes();
      w.refreshDetails();
      w.audit(AuditKind.BREAK_GLASS_REVIEWED, "Break-glass review complete: " + RequestTexts.approvals(w.decisions) + ".");
      return new UpdateOutcome(w.status, "break-glass review complete");
    }
    return new UpdateOutcome(w.status, "review recorded; the review is not complete yet");
  }

  private UpdateOutcome extension(RecordedDecision d, ApprovalRound round, ApprovalStage stage, Progress progress) {
    Extension asked = w.pendingExtension();
    if (progress == Progress.DENIED) {
      w.endExtensionRound();
      String text = "Extension to " + asked.newDuration() + " denied by " + d.actor() + " via " + d.channel()
          + RequestTexts.comment(d.comment()) + ". Access still ends at " + w.expiry.expiresAt() + ".";
      w.audit(AuditKind.DECISION, text);
      w.outbox.notifyRequester(AuditKind.DECISION, text);
      return new UpdateOutcome(ACTIVE, "extension denied by " + d.actor());
    }
    w.audit(AuditKind.DECISION, "Extension approved by " + d.actor() + " via " + d.channel() + " at stage '"
        + stage.name() + "'" + RequestTexts.comment(d.comment()) + ".");
    if (progress == Progress.COUNTED) {
      return new UpdateOutcome(ACTIVE, "extension approval recorded for stage '" + stage.name() + "'");
    }
    if (progress == Progress.NEXT_STAGE) {
      w.approval.ask(round, round.stageIndex());
      return new UpdateOutcome(ACTIVE, "stage '" + stage.name() + "' complete; the extension waits for stage '"
          + round.current().name() + "'");
    }
    w.endExtensionRound();
    if (!w.expiry.grantedAt().plus(asked.newDuration()).isAfter(AccessRequestWorkflowImpl.now())) {
      return new UpdateOutcome(ACTIVE, "approved too late: the extension to " + asked.newDuration() + " would end in the past");
    }
    w.applyExtension(asked.newDuration(), "as asked by " + asked.actor() + ", approved through the route");
    return new UpdateOutcome(ACTIVE, "expires at " + w.expiry.expiresAt());
  }

  // ---- extensions ----

  void checkExtend(Extension extension) {
    require(extension != null, "an extension is required");
    requireText(extension.eventId(), "eventId");
    requireText(extension.actor(), "actor");
    require(extension.channel() != null, "channel is required");
    require(extension.newDuration() != null && !extension.newDuration().isNegative() && !extension.newDuration().isZero(),
        "newDuration must be a positive ISO-8601 duration");
    if (w.appliedEvents.applied(AppliedEvents.Kind.EXTEND, extension.eventId())) {
      return;
    }
    refuseIfEnding();
    // Low tiers may let the requester extend their own grant, always within the role's maximum.
    boolean selfService = (w.route.isEmpty() || w.request.policy().selfExtend()) && isRequester(extension.actor());
    boolean viaRoute = viaRoute(extension);
    if (viaRoute && w.pendingExtension() != null) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "an extension to " + w.pendingExtension().newDuration()
          + " is already waiting for approval on request " + requestId());
    }
    if (!selfService && !viaRoute && (isRequester(extension.actor()) || !isRouteApprover(extension.actor()))) {
      throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, extension.actor() + " may not extend request " + requestId()
          + ": only its approvers can (the requester may ask for a new request)");
    }
    if (extension.newDuration().compareTo(w.request.maxDuration()) > 0) {
      throw refused(AccessflowTemporal.REFUSED_INVALID, "newDuration " + extension.newDuration()
          + " is over the role's maximum of " + w.request.maxDuration());
    }
    if (!w.expiry.grantedAt().plus(extension.newDuration()).isAfter(AccessRequestWorkflowImpl.now())) {
      throw refused(AccessflowTemporal.REFUSED_INVALID, "newDuration " + extension.newDuration()
          + " would end the grant in the past (granted at " + w.expiry.grantedAt() + "); use revoke to end it now");
    }
  }

  /** A grant being revoked, or no longer active, cannot be extended (a revoke accepted in this very task counts). */
  private void refuseIfEnding() {
    if (w.revocation != null) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + requestId() + " is being revoked by "
          + w.revocation.actor() + "; it can no longer be extended");
    }
    if (w.status != ACTIVE) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + requestId() + " is " + w.status
          + "; only an ACTIVE grant can be extended");
    }
  }

  UpdateOutcome extend(Extension extension) {
    refuseIfEnding();
    if (viaRoute(extension)) {
      // The requester's extension goes through the route again, as a new round of decisions.
      w.startExtensionRound(extension);
      w.audit(AuditKind.EXTENSION_REQUESTED, extension.actor() + " asked to extend the grant to " + extension.newDuration()
          + " (until " + w.expiry.grantedAt().plus(extension.newDuration()) + ")" + RequestTexts.comment(extension.comment())
          + ". Route: " + RequestTexts.route(w.route) + ".");
      w.approval.ask(w.round, 0);
      return new UpdateOutcome(ACTIVE, "extension to " + extension.newDuration() + " waits for approval: "
          + RequestTexts.stage(w.route.get(0)));
    }
    if (w.pendingExtension() != null) {
      w.endExtensionRound(); // an approver's own extension settles the requester's pending one
    }
    w.applyExtension(extension.newDuration(), "by " + extension.actor() + " via " + extension.channel()
        + RequestTexts.comment(extension.comment()));
    return new UpdateOutcome(ACTIVE, "expires at " + w.expiry.expiresAt());
  }

  /** The requester asks, and the route decides (unless the tier lets them extend themselves). */
  private boolean viaRoute(Extension extension) {
    return isRequester(extension.actor()) && !w.route.isEmpty() && !w.request.policy().selfExtend()
        && !w.request.policy().breakGlass();
  }

  // ---- revocation ----

  void checkRevoke(Revocation revocation) {
    require(revocation != null, "a revocation is required");
    requireText(revocation.eventId(), "eventId");
    requireText(revocation.actor(), "actor");
    require(revocation.channel() != null, "channel is required");
    if (w.appliedEvents.applied(AppliedEvents.Kind.REVOKE, revocation.eventId())) {
      return;
    }
    if (w.revocation != null) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + requestId() + " is already being revoked by "
          + w.revocation.actor());
    }
    if (w.status != APPROVED && w.status != PROVISIONING && w.status != ACTIVE) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + requestId() + " is " + w.status
          + "; there is no grant to revoke");
    }
    if (!isRequester(revocation.actor()) && !isRouteApprover(revocation.actor())) {
      throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, revocation.actor() + " may not revoke request " + requestId()
          + ": only the requester or its approvers can");
    }
  }

  // ---- helpers ----

  private String notPendingReason() {
    if (w.decisions.isEmpty()) {
      return "request " + requestId() + " is " + w.status + " and no longer takes decisions";
    }
    RecordedDecision last = w.decisions.get(w.decisions.size() - 1);
    return "request " + requestId() + " is already " + w.status + " (last decision: " + last.verdict()
        + " by " + last.actor() + " via " + last.channel() + " at " + last.at() + ")";
  }

  private String requestId() {
    return w.request.requestId();
  }

  private boolean isRequester(String login) {
    return w.request.requester().equalsIgnoreCase(login);
  }

  private boolean isRouteApprover(String login) {
    return w.route.stream().anyMatch(stage -> stage.allows(login));
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw refused(AccessflowTemporal.REFUSED_INVALID, message);
    }
  }

  private static void requireText(String value, String field) {
    require(value != null && !value.isBlank(), field + " is required");
  }

  private static ApplicationFailure refused(String type, String message) {
    return ApplicationFailure.newNonRetryableFailure(AccessflowTemporal.refusalMessage(type, message), type);
  }
}
