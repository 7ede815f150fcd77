package dev.accessflow.ledger;

import dev.accessflow.workflows.ports.AccessflowMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's view of what is outstanding, as gauges: grants held, removals overdue, approvals
 * waiting, drift found. Read by {@link #refresh()} on a schedule, never at scrape time, so a slow
 * or absent database cannot stall a scrape; {@code accessflow_ledger_up} says whether the last
 * read worked (the other gauges keep their last values).
 */
public final class LedgerGauges {
  private static final Logger log = LoggerFactory.getLogger(LedgerGauges.class);
  /**
   * How long after its expiry a removal counts as overdue. A removal normally lands in seconds;
   * the grace keeps a busy minute's removals in flight out of the alert.
   */
  public static final Duration OVERDUE_AFTER = Duration.ofMinutes(1);

  private final Jdbi jdbi;
  private final Clock clock;
  private volatile Snapshot last = new Snapshot(0, 0, 0, 0, 0, 0);
  private volatile boolean up;
  private volatile boolean failing;

  /** What one read found; ages in seconds, 0 when nothing waits. */
  public record Snapshot(long activeGrants, long removalsOverdue, double oldestOverdueSeconds, long pendingApprovals,
      double oldestPendingSeconds, long driftOpen) {}

  public LedgerGauges(Jdbi jdbi, Clock clock, AccessflowMetrics metrics) {
    this.jdbi = jdbi;
    this.clock = clock;
    metrics.gauge("accessflow.grants.active", "Grants held now (removal not yet confirmed)", () -> last.activeGrants());
    metrics.gauge("accessflow.removals.overdue", "Grants past their expiry by over a minute and still not removed",
        () -> last.removalsOverdue());
    metrics.gauge("accessflow.removals.overdue.oldest.seconds", "How long the oldest overdue removal has been due",
        () -> last.oldestOverdueSeconds());
    metrics.gauge("accessflow.approvals.pending", "Requests waiting for an approver", () -> last.pendingApprovals());
    metrics.gauge("accessflow.approvals.pending.oldest.seconds", "Age of the oldest request waiting for an approver",
        () -> last.oldestPendingSeconds());
    metrics.gauge("accessflow.drift.findings.open", "Memberships found outside accessflow and not yet resolved",
        () -> last.driftOpen());
    metrics.gauge("accessflow.ledger.up", "1 when the last read of the ledger for these gauges worked",
        () -> up ? 1 : 0);
  }

  /** Reads the ledger once; a failure is logged when it starts and leaves the last values. */
  public Snapshot refresh() {
    Instant now = clock.instant();
    OffsetDateTime at = PostgresLedger.ts(now);
    try {
      Snapshot read = jdbi.withHandle(handle -> {
        var grants = handle.createQuery("SELECT count(*) FILTER (WHERE removed_at IS NULL) AS active,"
                + " count(*) FILTER (WHERE removed_at IS NULL AND expires_at < :due) AS overdue,"
                + " min(expires_at) FILTER (WHERE removed_at IS NULL AND expires_at < :due) AS oldest"
                + " FROM grants WHERE NOT standing AND removed_at IS NULL")
            .bind("due", PostgresLedger.ts(now.minus(OVERDUE_AFTER))).mapToMap().one();
        var pending = handle.createQuery("SELECT count(*) AS pending, min(submitted_at) AS oldest FROM requests"
                + " WHERE status IN ('SUBMITTED', 'PENDING_APPROVAL')").mapToMap().one();
        long drift = handle.createQuery("SELECT count(*) FROM drift_findings WHERE state = 'open'")
            .mapTo(Long.class).one();
        return new Snapshot(number(grants.get("active")), number(grants.get("overdue")),
            age(grants.get("oldest"), at), number(pending.get("pending")), age(pending.get("oldest"), at), drift);
      });
      last = read;
      up = true;
      if (failing) {
        failing = false;
        log.info("ledger gauges: reading again");
      }
      return read;
    } catch (RuntimeException e) {
      up = false;
      if (!failing) {
        failing = true;
        log.warn("ledger gauges: the ledger could not be read ({}); accessflow_ledger_up is 0 and the other gauges"
            + " keep their last values", PostgresLedger.reason(e));
      }
      return last;
    }
  }

  private static long number(Object value) {
    return value == null ? 0 : ((Number) value).longValue();
  }

  private static double age(Object since, OffsetDateTime now) {
    if (!(since instanceof java.sql.Timestamp) && !(since instanceof OffsetDateTime)) {
      return 0;
    }
    Instant from = since instanceof java.sql.Timestamp t ? t.toInstant() : ((OffsetDateTime) since).toInstant();
    return Math.max(0, Duration.between(from, now.toInstant()).toMillis() / 1000.0);
  }
}
