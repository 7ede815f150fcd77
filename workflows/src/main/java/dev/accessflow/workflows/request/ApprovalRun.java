package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.model.RequestStatus.*;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.approval.ApprovalRound;
import dev.accessflow.workflows.approval.StageClock;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.Verdict;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The request's approval, run on the workflow's main thread: an auto-approval rule, or the round
 * put to each stage's approvers in turn with its reminders, escalation and expiry; and the wait for
 * a break-glass review. Decisions arrive through {@link UpdateRules}.
 */
final class ApprovalRun {
  /** An unreviewed break-glass grant is reminded of at most this many times (the history stays bounded). */
  static final int MAX_REVIEW_REMINDERS = 20;

  private final AccessRequestWorkflowImpl w;

  ApprovalRun(AccessRequestWorkflowImpl workflow) {
    this.w = workflow;
  }

  /** Runs the approval round stage by stage; true once approved (by people or a rule). */
  boolean approve() {
    String rule = w.status != SUBMITTED || !w.decisions.isEmpty() ? null
        : w.route.isEmpty() ? "no approval required for risk tier " + w.request.riskTier()
        : w.request.policy().autoApprovalRule(w.user.department());
    if (rule != null) {
      w.decisions.add(new RecordedDecision("policy", "accessflow", Verdict.APPROVE, Channel.SYSTEM, rule,
          AccessRequestWorkflowImpl.now(), "policy"));
      w.round.abandon();
      w.approvedBy = AccessflowTemporal.APPROVED_BY_POLICY;
      w.transition(APPROVED);
      w.audit(AuditKind.AUTO_APPROVED, "Approved automatically by policy: " + rule + ".");
      return true;
    }
    if (w.status == SUBMITTED) {
      w.transition(PENDING_APPROVAL);
    }
    while (w.status == PENDING_APPROVAL) {
      int index = w.round.stageIndex();
      w.refreshDetails(); // each stage names its own approvers
      String stuck = startStage(index);
      if (stuck != null) {
        w.fail(stuck);
        return false;
      }
      if (!StageClock.await(w.round, index, w.request.approvalTimeout(),
          () -> w.round.stageIndex() != index || w.status != PENDING_APPROVAL, stageSteps())) {
        w.transition(APPROVAL_TIMED_OUT);
        String text = "Stage '" + w.round.stage(index).name() + "' got no decision within "
            + StageClock.expireAfter(w.round.stage(index).timings(), w.request.approvalTimeout())
            + "; the request expired. Nothing was granted.";
        w.audit(AuditKind.APPROVAL_TIMED_OUT, text);
        w.outbox.tellEveryone(AuditKind.APPROVAL_TIMED_OUT, text, null);
        return false;
      }
    }
    if (w.status == DENIED) {
      RecordedDecision denial = w.decisions.get(w.decisions.size() - 1);
      w.audit(AuditKind.DENIED, RequestTexts.denied(denial));
      w.outbox.tellEveryone(AuditKind.DENIED, RequestTexts.denied(denial), denial);
      return false;
    }
    w.audit(AuditKind.APPROVED, "All approval stages complete: " + RequestTexts.approvals(w.decisions) + ".");
    return w.status == APPROVED;
  }

  /**
   * Puts a stage to its approvers. People who approved an earlier stage do not count again; when too
   * few remain the stage escalates at once. Returns why the stage can never complete, or null.
   */
  private String startStage(int index) {
    if (w.round.eligible(index).size() < w.round.stillNeeded(index)) {
      escalate(index, "its remaining approvers already approved an earlier stage, and one person gives one approval");
      if (w.round.eligible(index).size() < w.round.stillNeeded(index)) {
        return "stage '" + w.round.stage(index).name() + "' cannot be completed: "
            + String.join(", ", w.round.stage(index).approvers())
            + " already approved an earlier stage, and one person cannot approve two stages";
      }
    }
    ask(w.round, index);
    return null;
  }

  void ask(ApprovalRound asking, int index) {
    if (asking.startAsking(index)) {
      w.outbox.ask(asking, index, asking.eligible(index));
    }
  }

  StageClock.Steps stageSteps() {
    return new StageClock.Steps() {
      @Override
      public void remind(int index, Instant since) {
        ApprovalRound reminded = w.round;
        List<String> waitingOn = reminded.eligible(index);
        String text = RequestTexts.reminder(w.request, reminded.stage(index), since.toString(), waitingOn);
        w.audit(AuditKind.REMINDER, text);
        w.outbox.remind(reminded.messagesTo(index, waitingOn), text);
      }

      @Override
      public void escalate(int index, String why) {
        ApprovalRun.this.escalate(index, why);
      }
    };
  }

  private void escalate(int index, String why) {
    List<String> added = w.round.escalate(index);
    if (added.isEmpty()) {
      return;
    }
    String text = "Stage '" + w.round.stage(index).name() + "' of request " + w.request.requestId() + " escalated to "
        + String.join(", ", added) + ": " + why + ".";
    w.audit(AuditKind.ESCALATED, text);
    w.outbox.announce(AuditKind.ESCALATED, text);
    w.outbox.notifyRequester(AuditKind.ESCALATED, text);
    if (w.round.asked(index)) {
      List<String> ask = added.stream().filter(w.round.eligible(index)::contains).toList();
      w.outbox.ask(w.round, index, ask);
    }
  }

  /** Waits for the break-glass review to finish, reminding its reviewers a bounded number of times. */
  void awaitReview() {
    Duration every = w.request.policy().reviewTimings().remindAfter();
    Instant started = AccessRequestWorkflowImpl.now();
    for (int reminders = 0; w.reviewPending; reminders++) {
      if (every == null || reminders >= MAX_REVIEW_REMINDERS) {
        Workflow.await(() -> !w.reviewPending);
      } else if (!Workflow.await(every, () -> !w.reviewPending) && w.reviewPending) {
        // Checked again: the review may have completed in the task that reported the timer. Not
        // version-gated like TimerRace: without the check that path failed every workflow task, so
        // no history went through it.
        stageSteps().remind(w.round.stageIndex(), started);
      }
    }
  }
}
