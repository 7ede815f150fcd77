package dev.accessflow.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Drift findings: what the sweep reports and removes, what the API lists, and the actions that
 * resolve one (adopt, remove), each with its actor and reason.
 */
public final class DriftFindings {
  /** A finding as stored. {@code login} is empty for a finding about the group itself. */
  public record Finding(long findingId, String groupId, String login, String idpUserId, String app, String role,
      String kind, String policy, String detail, Instant detectedAt, String detectedBy, Instant removeAfter,
      Instant reportedAt, String ticketKey, String state, Instant resolvedAt, String resolvedBy, String resolution,
      String removalRequestedBy, String removalReason, String removalError) {

    public boolean open() {
      return "open".equals(state);
    }
  }

  /** Which findings a list shows; null fields do not filter. */
  public record Filter(Boolean open, String app, String role, String groupId, String login, String kind) {}

  /** Why an action on a finding was refused, for the API to answer 404 or 409 with. */
  public static final class Refused extends RuntimeException {
    private final boolean notFound;

    Refused(String message, boolean notFound) {
      super(message);
      this.notFound = notFound;
    }

    public boolean notFound() {
      return notFound;
    }
  }

  private static final String COLUMNS = "finding_id, group_id, login, idp_user_id, app, role, kind, policy, detail,"
      + " detected_at, detected_by, remove_after, reported_at, ticket_key, state, resolved_at, resolved_by, resolution,"
      + " removal_requested_by, removal_reason, removal_error";

  private final Jdbi jdbi;
  private final Clock clock;

  public DriftFindings(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public Optional<Finding> finding(long findingId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM drift_findings WHERE finding_id = :id")
        .bind("id", findingId).map((rs, ctx) -> read(rs)).findOne());
  }

  /** Findings newest first, after {@code afterId} (the cursor: the last id of the previous page). */
  public List<Finding> list(Filter filter, Long afterId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM drift_findings WHERE true");
    if (filter.open() != null) {
      sql.append(filter.open() ? " AND state = 'open'" : " AND state <> 'open'");
    }
    if (filter.app() != null) {
      sql.append(" AND app = :app");
    }
    if (filter.role() != null) {
      sql.append(" AND role = :role");
    }
    if (filter.groupId() != null) {
      sql.append(" AND group_id = :group");
    }
    if (filter.login() != null) {
      sql.append(" AND login = lower(:login)");
    }
    if (filter.kind() != null) {
      sql.append(" AND kind = :kind");
    }
    if (afterId != null) {
      sql.append(" AND finding_id < :after");
    }
    sql.append(" ORDER BY finding_id DESC LIMIT :limit");
    return jdbi.withHandle(h -> h.createQuery(sql.toString())
        .bind("app", filter.app()).bind("role", filter.role()).bind("group", filter.groupId())
        .bind("login", filter.login()).bind("kind", filter.kind()).bind("after", afterId).bind("limit", limit)
        .map((rs, ctx) -> read(rs)).list());
  }

  /** Findings not yet reported, oldest first. */
  public List<Finding> unreported(int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM drift_findings WHERE reported_at IS NULL"
            + " ORDER BY finding_id LIMIT :limit").bind("limit", limit).map((rs, ctx) -> read(rs)).list());
  }

  /** @param ticketKey the ticket the report went to, or null */
  public void markReported(List<Long> findingIds, String ticketKey) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE drift_findings SET reported_at = coalesce(reported_at, :now),"
            + " ticket_key = coalesce(ticket_key, :ticket) WHERE finding_id = ANY(:ids)")
        .bind("ids", findingIds.toArray(Long[]::new)).bind("ticket", ticketKey).bind("now", PostgresLedger.ts(clock.instant())).execute());
  }

  /** Open findings whose removal is due now, oldest due first. */
  public List<Finding> dueRemovals(int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM drift_findings WHERE state = 'open'"
            + " AND remove_after <= :now ORDER BY remove_after LIMIT :limit")
        .bind("now", PostgresLedger.ts(clock.instant())).bind("limit", limit).map((rs, ctx) -> read(rs)).list());
  }

  /** When the next removal falls due; empty when none is scheduled. */
  public Optional<Instant> nextRemovalAt() {
    return jdbi.withHandle(h -> h.createQuery("SELECT min(remove_after) FROM drift_findings WHERE state = 'open'"
            + " AND remove_after IS NOT NULL").map((rs, ctx) -> instant(rs.getTimestamp(1))).findOne());
  }

  /** Closes an open finding with what became of it (removed, granted, gone...). False when it was no longer open. */
  public boolean resolve(long findingId, String state, String by, String resolution) {
    return jdbi.inTransaction(h -> {
      boolean closed = h.createUpdate("UPDATE drift_findings SET state = :state, resolved_at = :now,"
              + " resolved_by = :by, resolution = :resolution, removal_error = NULL WHERE finding_id = :id"
              + " AND state = 'open'")
          .bind("id", findingId).bind("state", state).bind("by", by).bind("resolution", resolution)
          .bind("now", PostgresLedger.ts(clock.instant())).execute() == 1;
      if (closed && state.equals("removed")) {
        chain(h, findingId, "DRIFT_REMOVED", "REMOVED", "Removed by " + by + ": " + resolution);
      }
      return closed;
    });
  }

  /**
   * A resolution that changed access, or certified it on a person's word, goes on the audit log's
   * hash chain too, as the trail {@code drift-<findingId>} (exported and verified with the requests').
   */
  private void chain(org.jdbi.v3.core.Handle h, long findingId, String kind, String status, String text) {
    Finding f = h.createQuery("SELECT " + COLUMNS + " FROM drift_findings WHERE finding_id = :id").bind("id", findingId)
        .map((rs, ctx) -> read(rs)).one();
    String who = f.login().isEmpty() ? "group " + f.groupId() : f.login() + " in group " + f.groupId();
    AuditChain.append(h, clock.instant(), trail(findingId), f.login().isEmpty() ? f.groupId() : f.login(), f.app(),
        f.role(), f.ticketKey(), List.of(new AuditChain.Step(1, clock.instant(), kind, status,
            "Drift finding " + findingId + " (" + f.kind() + "): " + who + ". " + text)));
  }

  /** The audit trail id of a finding's resolution. */
  public static String trail(long findingId) {
    return "drift-" + findingId;
  }

  /** The removal waits (a request grants the membership for now): say why on the finding, and look again at {@code at}. */
  public void postponeRemoval(long findingId, String why, Instant at) {
    removalFailed(findingId, why, at);
  }

  /** The removal did not go through: say why on the finding, and try again at {@code retryAt}. */
  public void removalFailed(long findingId, String error, Instant retryAt) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE drift_findings SET removal_error = :error, remove_after = :retry"
            + " WHERE finding_id = :id AND state = 'open'")
        .bind("id", findingId).bind("error", error).bind("retry", PostgresLedger.ts(retryAt)).execute());
  }

  /**
   * Adopts an open finding: the membership is recorded as standing access, on {@code actor}'s word.
   *
   * @throws Refused when there is no such finding, or it is not open
   */
  public Finding adopt(long findingId, String actor, String reason) {
    return jdbi.inTransaction(h -> {
      Finding finding = openFinding(findingId);
      Instant now = clock.instant();
      h.createUpdate("UPDATE drift_findings SET state = 'adopted', resolved_at = :now, resolved_by = :actor,"
              + " resolution = :reason, remove_after = NULL WHERE finding_id = :id AND state = 'open'")
          .bind("id", findingId).bind("actor", actor).bind("reason", "adopted as standing access: " + reason)
          .bind("now", PostgresLedger.ts(now)).execute();
      chain(h, findingId, "DRIFT_ADOPTED", "ADOPTED", "Adopted as standing access by " + actor + ": " + reason);
      h.createUpdate("UPDATE memberships SET source = 'standing', request_id = NULL WHERE group_id = :g"
              + " AND login = :login AND present")
          .bind("g", finding.groupId()).bind("login", finding.login()).execute();
      return finding(findingId).orElseThrow();
    });
  }

  /**
   * Asks for an open finding's membership to be removed now (the inventory's sweep removes it and
   * closes the finding once the IdP confirms).
   *
   * @throws Refused when there is no such finding, it is not open, or it is about a group, not a person
   */
  public Finding requestRemoval(long findingId, String actor, String reason) {
    Finding finding = openFinding(findingId);
    if (finding.login().isEmpty()) {
      throw new Refused("finding " + findingId + " is about group " + finding.groupId()
          + " itself; there is no membership to remove (adopt it once the catalog is fixed)", false);
    }
    jdbi.useHandle(h -> h.createUpdate("UPDATE drift_findings SET remove_after = :now, removal_requested_by = :actor,"
            + " removal_reason = :reason WHERE finding_id = :id AND state = 'open'")
        .bind("id", findingId).bind("actor", actor).bind("reason", reason)
        .bind("now", PostgresLedger.ts(clock.instant())).execute());
    return finding(findingId).orElseThrow();
  }

  private Finding openFinding(long findingId) {
    Finding finding = finding(findingId).orElseThrow(() -> new Refused("no drift finding " + findingId, true));
    if (!finding.open()) {
      throw new Refused("finding " + findingId + " is already " + finding.state() + " (by " + finding.resolvedBy()
          + " at " + finding.resolvedAt() + ")", false);
    }
    return finding;
  }

  private static Finding read(ResultSet rs) throws SQLException {
    return new Finding(rs.getLong("finding_id"), rs.getString("group_id"), rs.getString("login"),
        rs.getString("idp_user_id"), rs.getString("app"), rs.getString("role"), rs.getString("kind"),
        rs.getString("policy"), rs.getString("detail"), instant(rs.getTimestamp("detected_at")),
        rs.getString("detected_by"), instant(rs.getTimestamp("remove_after")), instant(rs.getTimestamp("reported_at")),
        rs.getString("ticket_key"), rs.getString("state"), instant(rs.getTimestamp("resolved_at")), rs.getString("resolved_by"),
        rs.getString("resolution"), rs.getString("removal_requested_by"), rs.getString("removal_reason"),
        rs.getString("removal_error"));
  }

  static Instant instant(Timestamp ts) {
    return ts == null ? null : ts.toInstant();
  }
}
