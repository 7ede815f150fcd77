package dev.accessflow.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** The ledger's reads: requests past and present, "approved N times before", and who had access when. */
public final class LedgerQueries {
  private final Jdbi jdbi;
  private final ObjectMapper json = LedgerJson.mapper();

  public LedgerQueries(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A line of the request list. */
  public record RequestLine(String requestId, String requester, String app, String role, String status,
      String approvedBy, String ticketKey, Instant submittedAt, Instant grantedAt, Instant expiresAt,
      Instant revokedAt) {}

  /** Which requests a list shows; null fields do not filter. from/to bound the submission time, [from, to). */
  public record RequestFilter(String requester, String app, String role, String status, Instant from, Instant to) {}

  /** One page, newest first; {@code next} is the cursor of the following page, null on the last. */
  public record Page<T>(List<T> items, String next) {}

  /** One grant of a group, as "who had this access at that moment" answers it. */
  public record AccessHeld(String requestId, String requester, String app, String role, String groupId,
      String groupName, String idp, Instant grantedAt, Instant expiresAt, Instant removedAt, boolean standing,
      String approvedBy) {}

  /** The request as it was last recorded, in the workflow's own representation. */
  public Optional<AccessRequestState> state(String requestId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT request::text AS request, state::text AS state FROM requests"
            + " WHERE request_id = :id").bind("id", requestId)
        .map((rs, ctx) -> read(rs.getString("state"), AccessRequestState.class)
            .withRequest(read(rs.getString("request"), AccessRequest.class)))
        .findOne());
  }

  /** Requests newest first, after the cursor when there is one. */
  public Page<RequestLine> requests(RequestFilter filter, String cursor, int limit) {
    StringBuilder sql = new StringBuilder("SELECT request_id, requester, app, role, status, approved_by, ticket_key,"
        + " submitted_at, granted_at, expires_at, revoked_at FROM requests WHERE true");
    if (filter.requester() != null) {
      sql.append(" AND lower(requester) = lower(:requester)");
    }
    if (filter.app() != null) {
      sql.append(" AND app = :app");
    }
    if (filter.role() != null) {
      sql.append(" AND role = :role");
    }
    if (filter.status() != null) {
      sql.append(" AND status = :status");
    }
    if (filter.from() != null) {
      sql.append(" AND submitted_at >= :from");
    }
    if (filter.to() != null) {
      sql.append(" AND submitted_at < :to");
    }
    Cursor after = cursor == null ? null : Cursor.parse(cursor);
    if (after != null) {
      sql.append(" AND (submitted_at, request_id) < (:afterAt, :afterId)");
    }
    sql.append(" ORDER BY submitted_at DESC, request_id DESC LIMIT :limit");
    List<RequestLine> lines = jdbi.withHandle(h -> {
      Query query = h.createQuery(sql.toString()).bind("limit", limit + 1);
      bindIfSet(query, "requester", filter.requester());
      bindIfSet(query, "app", filter.app());
      bindIfSet(query, "role", filter.role());
      bindIfSet(query, "status", filter.status());
      bindIfSet(query, "from", PostgresLedger.ts(filter.from()));
      bindIfSet(query, "to", PostgresLedger.ts(filter.to()));
      if (after != null) {
        query.bind("afterAt", PostgresLedger.ts(after.submittedAt())).bind("afterId", after.requestId());
      }
      return query.map((rs, ctx) -> new RequestLine(rs.getString("request_id"), rs.getString("requester"),
          rs.getString("app"), rs.getString("role"), rs.getString("status"), rs.getString("approved_by"),
          rs.getString("ticket_key"), instant(rs, "submitted_at"), instant(rs, "granted_at"),
          instant(rs, "expires_at"), instant(rs, "revoked_at"))).list();
    });
    if (lines.size() <= limit) {
      return new Page<>(lines, null);
    }
    RequestLine last = lines.get(limit - 1);
    return new Page<>(List.copyOf(lines.subList(0, limit)), new Cursor(last.submittedAt(), last.requestId()).text());
  }

  /**
   * Earlier grants of this app and role to this person that people approved and that ran to their
   * end (EXPIRED or REVOKED): the "approved N times before" rule. Policy approvals and break-glass
   * grants never count.
   */
  public long approvedBefore(String requester, String app, String role) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM requests WHERE lower(requester) = lower(:requester)"
            + " AND app = :app AND role = :role AND approved_by = :people AND status IN ('EXPIRED', 'REVOKED')")
        .bind("requester", requester).bind("app", app).bind("role", role)
        .bind("people", AccessflowTemporal.APPROVED_BY_PEOPLE)
        .mapTo(Long.class).one());
  }

  /**
   * The audit chain's head as recorded beside the log, and the log's last row. Every append moves
   * both in one transaction, so they differ only when rows were taken out of the log's end (which
   * leaves no gap for the verifier to find) or the head was edited.
   */
  public record ChainHead(long position, String hash, long lastRowPosition, String lastRowHash) {
    public boolean intact() {
      return position == lastRowPosition && hash.equals(lastRowHash == null ? AuditChain.GENESIS : lastRowHash);
    }
  }

  /** The chain's head and the log's last row, read in one statement (one snapshot). */
  public ChainHead chainHead() {
    return jdbi.withHandle(h -> h.createQuery("SELECT c.position, c.hash, l.position AS last_position, l.hash AS last_hash"
            + " FROM audit_chain c LEFT JOIN LATERAL (SELECT position, hash FROM audit_log ORDER BY position DESC LIMIT 1) l"
            + " ON true WHERE c.id = 1")
        .map((rs, ctx) -> new ChainHead(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)))
        .one());
  }

  /** Every grant in force at the instant (granted at or before it, not yet removed), optionally narrowed. */
  public List<AccessHeld> accessAt(Instant at, String app, String role, String user, int limit) {
    StringBuilder sql = new StringBuilder("SELECT g.request_id, g.requester, g.app, g.role, g.group_id, g.group_name,"
        + " g.idp, g.granted_at, g.expires_at, g.removed_at, g.standing, r.approved_by, r.revoked_at"
        + " FROM grants g JOIN requests r ON r.request_id = g.request_id"
        + " WHERE g.granted_at <= :at AND coalesce(g.removed_at, r.revoked_at, 'infinity') > :at");
    if (app != null) {
      sql.append(" AND g.app = :app");
    }
    if (role != null) {
      sql.append(" AND g.role = :role");
    }
    if (user != null) {
      sql.append(" AND lower(g.requester) = lower(:user)");
    }
    sql.append(" ORDER BY g.app, g.role, lower(g.requester), g.group_id LIMIT :limit");
    return jdbi.withHandle(h -> {
      Query query = h.createQuery(sql.toString()).bind("at", PostgresLedger.ts(at)).bind("limit", limit);
      bindIfSet(query, "app", app);
      bindIfSet(query, "role", role);
      bindIfSet(query, "user", user);
      return query.map((rs, ctx) -> new AccessHeld(rs.getString("request_id"), rs.getString("requester"),
          rs.getString("app"), rs.getString("role"), rs.getString("group_id"), rs.getString("group_name"),
          rs.getString("idp"), instant(rs, "granted_at"), instant(rs, "expires_at"),
          rs.getBoolean("standing") ? null : firstNonNull(instant(rs, "removed_at"), instant(rs, "revoked_at")),
          rs.getBoolean("standing"), rs.getString("approved_by"))).list();
    });
  }

  private static Instant firstNonNull(Instant a, Instant b) {
    return a != null ? a : b;
  }

  private static void bindIfSet(Query query, String name, Object value) {
    if (value != null) {
      query.bind(name, value);
    }
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
    return at == null ? null : at.toInstant();
  }

  private <T> T read(String text, Class<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a ledger row does not read as " + type.getSimpleName() + ": " + e.getOriginalMessage());
    }
  }

  /** Where a page ended: the last line's submission time and id, opaque to callers. */
  record Cursor(Instant submittedAt, String requestId) {
    String text() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(
          (submittedAt + "|" + requestId).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor, or an IllegalArgumentException that says it is not one. */
    static Cursor parse(String text) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int bar = decoded.indexOf('|');
        return new Cursor(Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("cursor '" + text + "' is not one this API gave out");
      }
    }
  }

}
