package dev.accessflow.workflows.review;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.CancellingWait;
import dev.accessflow.workflows.model.ReviewPass;
import dev.accessflow.workflows.model.ReviewRun;
import dev.accessflow.workflows.ports.ReviewWork;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one campaign through its phases: opening (items from the inventory, page by page), telling
 * (a message to each reviewer), open (decisions arrive as nudges; reminders on a timer), escalated
 * (the due date passed under the escalate rule), closing (the unreviewed rule has ruled; every
 * revocation is carried out, retried until the IdP confirms). Continues as new past
 * {@link #HISTORY_LIMIT} events, so no run nears Temporal's limits however many items there are.
 */
public final class ReviewCampaignWorkflowImpl implements ReviewCampaignWorkflow {
  /** Events in one run before it continues as new. */
  static final int HISTORY_LIMIT = 4_000;
  /** Items opened per activity (one ledger transaction). */
  static final int OPEN_PAGE = 500;
  /** Reviewers told per activity. */
  static final int TELL_PAGE = 50;
  /** Revocations per activity: each waits for the IdP. */
  static final int REVOKE_PAGE = 25;
  /** Decisions per comment on the ticket. */
  static final int REPORT_PAGE = 50;
  /** Reviewers whose messages are refreshed per activity, and held at most (more wait for the next reminder). */
  static final int REFRESH_MAX = 100;
  /** A revocation that failed is tried again after at least this. */
  static final Duration RETRY_FLOOR = Duration.ofMinutes(1);
  /**
   * While reviewers decide, the campaign looks at the ledger at least this often: a decision whose
   * nudge was lost (the API could not reach Temporal) is carried out within the hour.
   */
  static final Duration PASS_EVERY = Duration.ofHours(1);

  private final ReviewWork work = Workflow.newActivityStub(ReviewWork.class, AccessflowTemporal.reviewOptions());

  private String reviewId;
  private String phase;
  private Instant dueAt;
  private Instant nextReminderAt;
  private Duration remindEvery;
  private String unreviewed;
  private Duration escalationGrace;
  private String ticketKey;
  private Instant retryRevocationsAt;
  private final List<String> refresh = new ArrayList<>();
  private boolean nudged;
  private long reportPart;
  private String outcome;
  private int undecided = -1;
  private boolean passDue;

  @Override
  public void run(ReviewRun run) {
    reviewId = run.reviewId();
    phase = run.phase();
    dueAt = run.dueAt();
    nextReminderAt = run.nextReminderAt();
    remindEvery = run.remindEvery();
    unreviewed = run.unreviewed();
    escalationGrace = run.escalationGrace();
    ticketKey = run.ticketKey();
    retryRevocationsAt = run.retryRevocationsAt();
    // A nudge of this run's first task may have been handled already: keep it, with what the last run left.
    nudged |= run.nudged();
    run.refresh().forEach(this::addRefresh);
    reportPart = run.reportPart();
    outcome = run.outcome();

    if (ReviewRun.OPENING.equals(phase) && !open()) {
      return;
    }
    if (ReviewRun.TELLING.equals(phase)) {
      tell("open");
      phase = ReviewRun.OPEN;
      nextReminderAt = now().plus(remindEvery);
    }
    while (true) {
      if (nudged) {
        nudged = false;
        passDue = false;
        refreshMessages();
        revokeDue();
        report();
      } else if (passDue || retryRevocationsAt != null && !now().isBefore(retryRevocationsAt)) {
        passDue = false;
        revokeDue();
        report();
      }
      if (deciding() && (undecided == 0 || !now().isBefore(dueAt))) {
        dueDate();
        continue;
      }
      if (deciding() && nextReminderAt != null && !now().isBefore(nextReminderAt)) {
        tell("reminder");
        nextReminderAt = now().plus(remindEvery);
      }
      if (ReviewRun.CLOSING.equals(phase) && retryRevocationsAt == null) {
        // The record is written whole before the closing line, however many runs that takes.
        if (report()) {
          work.close(reviewId, ++reportPart);
          return;
        }
        Workflow.continueAsNew(state());
        return;
      }
      if (historyFull()) {
        Workflow.continueAsNew(state());
        return;
      }
      // A decision cancels the timer: thousands of decisions leave no stale timers behind.
      passDue = !CancellingWait.await("review-wait-cancels-its-timer", untilNextWake(), () -> nudged);
    }
  }

  @Override
  public void decided(List<String> reviewers) {
    nudged = true;
    reviewers.forEach(this::addRefresh);
  }

  @Override
  public ReviewRun state() {
    return new ReviewRun(reviewId, phase, dueAt, nextReminderAt, remindEvery, unreviewed, escalationGrace, ticketKey,
        retryRevocationsAt, refresh, nudged, reportPart, outcome);
  }

  /** Opens the ticket and the items; false when it continued as new to go on opening. */
  private boolean open() {
    if (ticketKey == null) {
      ticketKey = work.openTicket(reviewId);
    }
    while (work.openPage(reviewId, OPEN_PAGE) > 0) {
      if (historyFull()) {
        Workflow.continueAsNew(state());
        return false;
      }
    }
    undecided = work.opened(reviewId); // a campaign with nothing in scope closes at once
    phase = ReviewRun.TELLING;
    return true;
  }

  private void tell(String occasion) {
    String after = null;
    do {
      after = work.tellReviewers(reviewId, occasion, after, TELL_PAGE);
    } while (after != null);
  }

  /** The due date: escalate once under the escalate rule, else rule the unreviewed items and start closing. */
  private void dueDate() {
    if (ReviewRun.OPEN.equals(phase) && "escalate".equals(unreviewed) && undecided != 0) {
      Instant newDue = now().plus(escalationGrace);
      if (work.escalate(reviewId, newDue) > 0) {
        dueAt = newDue;
        phase = ReviewRun.ESCALATED;
        tell("escalated");
        nextReminderAt = now().plus(remindEvery);
        return;
      }
    }
    // After an escalation, what is still unreviewed is kept (and the record says it went unreviewed).
    outcome = work.closeUnreviewed(reviewId, "revoke".equals(unreviewed) ? "revoke" : "keep");
    phase = ReviewRun.CLOSING;
    revokeDue();
    report();
  }

  private void refreshMessages() {
    while (!refresh.isEmpty()) {
      List<String> batch = List.copyOf(refresh.subList(0, Math.min(REFRESH_MAX, refresh.size())));
      work.refreshMessages(reviewId, batch);
      refresh.subList(0, batch.size()).clear();
    }
  }

  /** Carries out the revocations due now; one that failed is tried again a minute or more later. */
  private void revokeDue() {
    ReviewPass pass;
    do {
      pass = work.revoke(reviewId, REVOKE_PAGE);
    } while (pass.due() > 0 && !historyFull());
    undecided = pass.undecided();
    if (pass.pending() == 0) {
      retryRevocationsAt = null;
    } else {
      Instant floor = now().plus(RETRY_FLOOR);
      retryRevocationsAt = pass.due() > 0 || pass.nextAttemptAt() == null || pass.nextAttemptAt().isBefore(floor)
          ? floor : pass.nextAttemptAt();
    }
  }

  /** Writes what the ticket lacks; false when the run's history filled first (the next run writes the rest). */
  private boolean report() {
    while (work.report(reviewId, reportPart + 1, REPORT_PAGE) > 0) {
      reportPart++;
      if (historyFull()) {
        return false;
      }
    }
    return true;
  }

  private boolean deciding() {
    return ReviewRun.OPEN.equals(phase) || ReviewRun.ESCALATED.equals(phase);
  }

  private Duration untilNextWake() {
    Instant next = null;
    if (deciding()) {
      next = nextReminderAt != null && nextReminderAt.isBefore(dueAt) ? nextReminderAt : dueAt;
      Instant pass = now().plus(PASS_EVERY);
      next = pass.isBefore(next) ? pass : next;
    }
    if (retryRevocationsAt != null && (next == null || retryRevocationsAt.isBefore(next))) {
      next = retryRevocationsAt;
    }
    if (next == null) {
      return Duration.ofDays(1);
    }
    Duration wait = Duration.between(now(), next);
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  private void addRefresh(String reviewer) {
    if (reviewer != null && !refresh.contains(reviewer) && refresh.size() < REFRESH_MAX) {
      refresh.add(reviewer);
    }
  }

  private static boolean historyFull() {
    return Workflow.getInfo().getHistoryLength() > HISTORY_LIMIT || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
