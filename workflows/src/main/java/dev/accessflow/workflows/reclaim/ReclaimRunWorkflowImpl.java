package dev.accessflow.workflows.reclaim;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.CancellingWait;
import dev.accessflow.workflows.model.ReclaimPass;
import dev.accessflow.workflows.model.ReclaimRun;
import dev.accessflow.workflows.ports.ReclaimWork;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs one reclaim run through its phases: reading (the app's sign-in log, page by page), scanning
 * (the inventory, page by page, each warning told at once), grace (a pass at each grace's end and
 * each removal retry, and at least every {@link #PASS_EVERY}; the log is read again before each
 * pass, so a sign-in on the last day counts). Continues as new past {@link #HISTORY_LIMIT} events.
 */
public final class ReclaimRunWorkflowImpl implements ReclaimRunWorkflow {
  /** Events in one run before it continues as new. */
  static final int HISTORY_LIMIT = 4_000;
  /** Sign-ins per page of the log (Okta's largest). */
  static final int LOG_PAGE = 1_000;
  /** Memberships judged per activity (one ledger transaction). */
  static final int SCAN_PAGE = 500;
  /** People told per activity. */
  static final int WARN_PAGE = 50;
  /** Removals per activity: each waits for the IdP. */
  static final int REMOVE_PAGE = 25;
  /** Items per comment on the ticket. */
  static final int REPORT_PAGE = 50;
  /** A removal that failed is tried again after at least this. */
  static final Duration RETRY_FLOOR = Duration.ofMinutes(1);
  /** While graces run, the run reads the log and settles at least this often (a lost nudge waits no longer). */
  static final Duration PASS_EVERY = Duration.ofHours(6);

  private final ReclaimWork work = Workflow.newActivityStub(ReclaimWork.class, AccessflowTemporal.reclaimOptions());

  private String runId;
  private String app;
  private String phase;
  private String ticketKey;
  private boolean nudged;
  private long reportPart;

  @Override
  public void run(ReclaimRun run) {
    runId = run.runId();
    app = run.app();
    phase = run.phase();
    ticketKey = run.ticketKey();
    nudged |= run.nudged();
    reportPart = run.reportPart();

    if (ReclaimRun.READING.equals(phase)) {
      if (!readUsage()) {
        return;
      }
      phase = ReclaimRun.SCANNING;
    }
    if (ReclaimRun.SCANNING.equals(phase)) {
      if (ticketKey == null) {
        ticketKey = work.openTicket(runId);
      }
      while (work.scanPage(runId, SCAN_PAGE) > 0) {
        warnAll();
        if (historyFull()) {
          Workflow.continueAsNew(state());
          return;
        }
      }
      warnAll();
      phase = ReclaimRun.GRACE;
    }
    while (true) {
      // A sign-in since the last read ends a grace: the log is read up to now before anything is removed.
      if (!readUsage()) {
        return;
      }
      nudged = false;
      ReclaimPass pass;
      do {
        pass = work.pass(runId, REMOVE_PAGE);
      } while (pass.due() > 0 && !historyFull());
      if (!report()) {
        Workflow.continueAsNew(state());
        return;
      }
      if (pass.settled() && pass.due() == 0) {
        work.close(runId, ++reportPart);
        return;
      }
      if (historyFull()) {
        Workflow.continueAsNew(state());
        return;
      }
      // A nudge cancels the timer: thousands of Keeps and sign-ins leave no stale timers behind.
      CancellingWait.await("reclaim-wait-cancels-its-timer", untilNextPass(pass), () -> nudged);
    }
  }

  @Override
  public void nudged() {
    nudged = true;
  }

  @Override
  public ReclaimRun state() {
    return new ReclaimRun(runId, app, phase, ticketKey, nudged, reportPart);
  }

  /** Reads the log up to now; false when it continued as new to go on reading. */
  private boolean readUsage() {
    while (work.readUsage(runId, LOG_PAGE)) {
      if (historyFull()) {
        Workflow.continueAsNew(state());
        return false;
      }
    }
    return true;
  }

  private void warnAll() {
    while (work.warn(runId, WARN_PAGE) > 0) {
      // every warned person is told before the next page is judged
    }
  }

  /** Writes what the ticket lacks; false when the run's history filled first (the next run writes the rest). */
  private boolean report() {
    while (work.report(runId, reportPart + 1, REPORT_PAGE) > 0) {
      reportPart++;
      if (historyFull()) {
        return false;
      }
    }
    return true;
  }

  /** Until the earliest grace end or removal retry (at least a minute after a failure), at most {@link #PASS_EVERY}. */
  private static Duration untilNextPass(ReclaimPass pass) {
    Instant now = now();
    Instant next = now.plus(PASS_EVERY);
    if (pass.nextGraceEnd() != null && pass.nextGraceEnd().isBefore(next)) {
      next = pass.nextGraceEnd();
    }
    if (pass.removing() > 0) {
      Instant retry = pass.nextAttemptAt() == null || pass.nextAttemptAt().isBefore(now.plus(RETRY_FLOOR))
          ? now.plus(RETRY_FLOOR) : pass.nextAttemptAt();
      next = retry.isBefore(next) ? retry : next;
    }
    Duration wait = Duration.between(now, next);
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  private static boolean historyFull() {
    return Workflow.getInfo().getHistoryLength() > HISTORY_LIMIT || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
