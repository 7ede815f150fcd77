package dev.accessflow.api;

import io.temporal.client.WorkflowNotFoundException;
import org.slf4j.Logger;

/**
 * A nudge to a workflow whose state is in the ledger: a lost one costs only time (the workflow's
 * next pass reads the ledger), so it is tried a few times and then left, never failing the caller.
 */
final class WorkflowNudge {
  /** Tries of a nudge that met the workflow between two runs (the test server's continue-as-new gap). */
  static final int TRIES = 10;

  private WorkflowNudge() {}

  /** @param what e.g. "review rv-1", for the log; @param later what makes up for a lost nudge, for the log */
  static void send(Runnable signal, Logger log, String what, String later) {
    for (int tried = 1; ; tried++) {
      try {
        signal.run();
        return;
      } catch (WorkflowNotFoundException e) {
        if (tried == TRIES) {
          log.warn("{}: could not nudge its workflow ({}); {}", what, e.getMessage(), later);
          return;
        }
        try {
          Thread.sleep(20L * tried);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      } catch (RuntimeException e) {
        log.warn("{}: could not nudge its workflow ({}); {}", what, e.toString(), later);
        return;
      }
    }
  }
}
