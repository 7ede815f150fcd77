package dev.accessflow.api;

import com.codahale.metrics.health.HealthCheck;
import org.jdbi.v3.core.Jdbi;

/** Healthy when the ledger's PostgreSQL answers; says how far its audit chain goes. */
public final class LedgerHealthCheck extends HealthCheck {
  private final Jdbi jdbi;
  private final String where;

  public LedgerHealthCheck(Jdbi jdbi, String where) {
    this.jdbi = jdbi;
    this.where = where;
  }

  @Override
  protected Result check() {
    try {
      long position = jdbi.withHandle(h -> h.createQuery("SELECT position FROM audit_chain WHERE id = 1")
          .mapTo(Long.class).one());
      return Result.healthy("ledger at " + where + " answers; audit chain at position " + position);
    } catch (RuntimeException e) {
      return Result.unhealthy("ledger at " + where + " does not answer: " + e.getMessage());
    }
  }
}
