package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.LedgerPart;

/**
 * accessflow's own memory of a request (the ledger, in PostgreSQL): written at every step of the
 * request, off the decision path, so it still answers after Temporal's retention has forgotten it.
 */
public interface AccessLedger {

  /** Records one part; safe to repeat (audit rows are keyed by request id and sequence, state by revision). */
  void record(String requestId, LedgerPart part);
}
