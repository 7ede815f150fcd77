package dev.accessflow.api;

import com.codahale.metrics.health.HealthCheck;
import dev.accessflow.ledger.LedgerQueries;

/**
 * Healthy when the ledger's PostgreSQL answers and the audit log still ends where its chain's head
 * says; names the head (position and hash), which an auditor compares with {@code audit-verify}'s last
 * hash of a full export.
 */
public final class LedgerHealthCheck extends HealthCheck {
  private final LedgerQueries ledger;
  private final String where;

  public LedgerHealthCheck(LedgerQueries ledger, String where) {
    this.ledger = ledger;
    this.where = where;
  }

  @Override
  protected Result check() {
    LedgerQueries.ChainHead head;
    try {
      head = ledger.chainHead();
    } catch (RuntimeException e) {
      return Result.unhealthy("ledger at " + where + " does not answer: " + e.getMessage());
    }
    if (!head.intact()) {
      return Result.unhealthy("ledger at " + where + ": the audit log ends at position " + head.lastRowPosition()
          + " but its chain's head is position " + head.position() + " (" + head.hash() + "): rows were removed from"
          + " the end of the log or the head was changed; export the log and run audit-verify");
    }
    return Result.healthy("ledger at " + where + " answers; audit chain at position " + head.position() + ", hash "
        + head.hash());
  }
}
