package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.ReclaimPass;
import io.temporal.activity.ActivityInterface;

/**
 * An auto-reclaim run's activities, over the ledger (where the items are), the IdP's sign-in log,
 * the IdP, chat and the ticket. Every method is safe to repeat.
 */
@ActivityInterface(namePrefix = "Reclaim")
public interface ReclaimWork {

  /**
   * Reads the next page (at most {@code limit} sign-ins) of the app's sign-in log into the ledger,
   * from where the last read ended; false when the log is read up to now, or the app names none.
   */
  boolean readUsage(String runId, int limit);

  /** Opens the run's ticket (app, policy, signal); its key, or "" when no ticket system is configured. */
  String openTicket(String runId);

  /**
   * Judges the next {@code limit} of the app's memberships by its reclaim policy and records what
   * was found (a warning starts its grace); 0 when every membership was judged.
   */
  int scanPage(String runId, int limit);

  /** Tells up to {@code limit} people warned and not yet told (and whom the policy names); how many were told. */
  int warn(String runId, int limit);

  /**
   * Settles sign-ins seen since the scan (their graces end, access kept), ends the graces that are
   * over, and carries out up to {@code limit} due removals through the IdP, each recorded.
   */
  ReclaimPass pass(String runId, int limit);

  /** Writes up to {@code limit} items whose state the ticket lacks as part {@code part}; returns how many. */
  int report(String runId, long part, int limit);

  /** Nothing is open any more: the run is closed and its ticket says how it ended (part {@code part}). */
  void close(String runId, long part);
}
