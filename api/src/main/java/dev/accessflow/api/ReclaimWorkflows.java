package dev.accessflow.api;

import dev.accessflow.ledger.ReclaimLedger;

/** What the API asks of reclaim runs' workflows (Temporal in production: {@link ReclaimGateway}). */
public interface ReclaimWorkflows {

  /** Stores the run and starts its workflow; false when a run with its id exists (a retried start). */
  boolean start(ReclaimLedger.Run run);

  /** Tells the run that a Keep or a sign-in was recorded. */
  void nudge(String runId);
}
