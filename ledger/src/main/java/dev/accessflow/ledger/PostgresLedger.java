package dev.accessflow.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.ports.AccessLedger;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The ledger's writes: each part of a request in one transaction. The request row moves only
 * forward (by revision), decisions and grants are upserted by their keys, and audit entries are
 * appended to the hash chain once each, keyed by (request id, sequence): a retried or replayed part
 * writes nothing twice.
 */
public final class PostgresLedger implements AccessLedger {
  private final Jdbi jdbi;
  private final String idp;
  private final Clock clock;
  private final ObjectMapper json = LedgerJson.mapper();

  private final AccessflowMetrics metrics;

  /** @param idp the directory grants go to (okta, sandbox), recorded on each grant */
  public PostgresLedger(Jdbi jdbi, String idp, Clock clock) {
    this(jdbi, idp, clock, AccessflowMetrics.none());
  }

  /** @param metrics told of each decision and revocation the first time it is stored, so retries count once */
  public PostgresLedger(Jdbi jdbi, String idp, Clock clock, AccessflowMetrics metrics) {
    this.jdbi = jdbi;
    this.idp = idp;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public void record(String requestId, LedgerPart part) {
    try {
      write(requestId, part);
    } catch (JdbiException e) {
      // JDBI's message carries the statement and its arguments (audit text, people): the reason goes
      // into the workflow's history and the log, so it says only what the database said.
      throw new IllegalStateException("the ledger's database did not take the write: " + reason(e), e);
    }
  }

  /** The database's own words for a failure: SQLState and the first line of its message, without the statement. */
  static String reason(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String message = sql.getMessage() == null ? sql.getClass().getSimpleName() : sql.getMessage().lines().findFirst()
            .orElse("");
        return (sql.getSQLState() == null ? "" : "SQLState " + sql.getSQLState() + ": ") + message;
      }
    }
    return e.getClass().getSimpleName();
  }

  private void write(String requestId, LedgerPart part) {
    List<RecordedDecision> firstSeen = new ArrayList<>();
    boolean revokedNow = jdbi.inTransaction(handle -> {
      firstSeen.clear();
      AccessRequest request = part.state().request() != null ? part.state().request() : storedRequest(handle, requestId);
      boolean revoked = part.state().revokedAt() != null && !revokedBefore(handle, requestId);
      upsertRequest(handle, requestId, request, part);
      for (RecordedDecision decision : part.state().decisions()) {
        int inserted = handle.createUpdate("INSERT INTO decisions (request_id, event_id, actor, verdict, channel, comment,"
                + " stage, at) VALUES (:id, :event, :actor, :verdict, :channel, :comment, :stage, :at) ON CONFLICT DO NOTHING")
            .bind("id", requestId).bind("event", decision.eventId()).bind("actor", decision.actor())
            .bind("verdict", decision.verdict().name()).bind("channel", decision.channel().name())
            .bind("comment", decision.comment()).bind("stage", decision.stage()).bind("at", ts(decision.at()))
            .execute();
        if (inserted > 0) {
          firstSeen.add(decision);
        }
      }
      if (part.state().grantedAt() != null) {
        upsertGrants(handle, requestId, request, part);
      }
      append(handle, requestId, request, part.state().ticketKey(), part.entries());
      return revoked;
    });
    // Counted once committed: a part retried or replayed finds its rows there and counts nothing.
    firstSeen.forEach(d -> metrics.decision(d.channel().name().toLowerCase(), d.verdict().name().toLowerCase()));
    if (revokedNow && part.state().revocationLag() != null) {
      metrics.revocationLag(part.state().revocationLag());
    }
  }

  private static boolean revokedBefore(Handle handle, String requestId) {
    return handle.createQuery("SELECT revoked_at IS NOT NULL FROM requests WHERE request_id = :id")
        .bind("id", requestId).mapTo(Boolean.class).findOne().orElse(false);
  }

  private AccessRequest storedRequest(Handle handle, String requestId) {
    String stored = handle.createQuery("SELECT request::text FROM requests WHERE request_id = :id")
        .bind("id", requestId).mapTo(String.class).findOne()
        .orElseThrow(() -> new IllegalStateException("the ledger has no row for request " + requestId
            + " yet; its first part (with the request) must come first"));
    try {
      return json.readValue(stored, AccessRequest.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the ledger's row of request " + requestId + " does not read: " + e.getOriginalMessage());
    }
  }

  private void upsertRequest(Handle handle, String requestId, AccessRequest request, LedgerPart part) {
    AccessRequestState state = part.state();
    handle.createUpdate("INSERT INTO requests (request_id, requester, app, role, groups, risk_tier, reason, source,"
            + " ticket_key, route, status, approved_by, submitted_at, granted_at, expires_at, revoked_at, revocation_lag_ms,"
            + " last_error, revision, request, state, updated_at)"
            + " VALUES (:id, :requester, :app, :role, :groups, :tier, :reason, :source, :ticket, CAST(:route AS jsonb),"
            + " :status, :approvedBy, :submitted, :granted, :expires, :revoked, :lag, :error, :revision,"
            + " CAST(:request AS jsonb), CAST(:state AS jsonb), :now)"
            + " ON CONFLICT (request_id) DO UPDATE SET ticket_key = EXCLUDED.ticket_key, route = EXCLUDED.route,"
            + " status = EXCLUDED.status, approved_by = EXCLUDED.approved_by, granted_at = EXCLUDED.granted_at,"
            + " expires_at = EXCLUDED.expires_at, revoked_at = EXCLUDED.revoked_at,"
            + " revocation_lag_ms = EXCLUDED.revocation_lag_ms, last_error = EXCLUDED.last_error,"
            + " revision = EXCLUDED.revision, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at"
            + " WHERE requests.revision < EXCLUDED.revision")
        .bind("id", requestId).bind("requester", request.requester()).bind("app", request.app())
        .bind("role", request.role()).bind("groups", request.groups().toArray(String[]::new))
        .bind("tier", request.riskTier()).bind("reason", request.reason())
        .bind("source", request.source() == null ? null : request.source().name())
        .bind("ticket", state.ticketKey()).bind("route", write(state.route()))
        .bind("status", state.status().name()).bind("approvedBy", part.approvedBy())
        .bind("submitted", ts(state.submittedAt() != null ? state.submittedAt() : firstAt(part)))
        .bind("granted", ts(state.grantedAt())).bind("expires", ts(state.expiresAt()))
        .bind("revoked", ts(state.revokedAt()))
        .bind("lag", state.revocationLag() == null ? null : state.revocationLag().toMillis())
        .bind("error", state.lastError()).bind("revision", part.revision())
        .bind("request", write(request)).bind("state", write(state.withoutRequest()))
        .bind("now", ts(clock.instant()))
        .execute();
  }

  private Instant firstAt(LedgerPart part) {
    return part.entries().isEmpty() ? clock.instant() : part.entries().get(0).at();
  }

  private void upsertGrants(Handle handle, String requestId, AccessRequest request, LedgerPart part) {
    AccessRequestState state = part.state();
    Set<String> standing = new HashSet<>(part.standingGroups());
    for (String group : request.groups()) {
      boolean kept = standing.contains(group);
      handle.createUpdate("INSERT INTO grants (request_id, group_id, group_name, idp, requester, idp_user_id, app, role,"
              + " granted_at, expires_at, removed_at, revocation_lag_ms, standing)"
              + " VALUES (:id, :group, :name, :idp, :requester, :user, :app, :role, :granted, :expires, :removed, :lag,"
              + " :standing)"
              + " ON CONFLICT (request_id, group_id) DO UPDATE SET expires_at = EXCLUDED.expires_at,"
              + " removed_at = EXCLUDED.removed_at, revocation_lag_ms = EXCLUDED.revocation_lag_ms,"
              + " standing = EXCLUDED.standing")
          .bind("id", requestId).bind("group", group).bind("name", request.groupNames().get(group)).bind("idp", idp)
          .bind("requester", request.requester()).bind("user", state.idpUserId()).bind("app", request.app())
          .bind("role", request.role()).bind("granted", ts(state.grantedAt())).bind("expires", ts(state.expiresAt()))
          // A standing membership was never accessflow's to remove: the grant ended, the membership stayed.
          .bind("removed", kept ? null : ts(state.revokedAt()))
          .bind("lag", kept || state.revocationLag() == null ? null : state.revocationLag().toMillis())
          .bind("standing", kept)
          .execute();
      if (!kept) {
        grantedMembership(handle, requestId, request, state, group);
      }
    }
  }

  /**
   * The inventory hears of accessflow's own grants and removals at once, not at the next sync: the
   * membership is present from the grant until its removal is confirmed.
   */
  private void grantedMembership(Handle handle, String requestId, AccessRequest request, AccessRequestState state, String group) {
    handle.createUpdate("INSERT INTO inventory_groups (group_id, app, role, state) VALUES (:g, :app, :role, 'present')"
            + " ON CONFLICT DO NOTHING")
        .bind("g", group).bind("app", request.app()).bind("role", request.role()).execute();
    boolean removed = state.revokedAt() != null;
    handle.createUpdate("INSERT INTO memberships (group_id, login, idp_user_id, source, request_id, present, first_seen,"
            + " last_seen, gone_at) VALUES (:g, lower(:login), :user, 'grant', :request, :present, :granted, :now, :gone)"
            + " ON CONFLICT (group_id, login) DO UPDATE SET idp_user_id = coalesce(EXCLUDED.idp_user_id,"
            + " memberships.idp_user_id), source = 'grant', request_id = EXCLUDED.request_id,"
            + " present = EXCLUDED.present, gone_at = EXCLUDED.gone_at,"
            + " first_seen = CASE WHEN memberships.present THEN memberships.first_seen ELSE EXCLUDED.first_seen END,"
            + " last_seen = CASE WHEN EXCLUDED.present THEN EXCLUDED.last_seen ELSE memberships.last_seen END"
            // Only the request that holds it, or a membership nobody holds now, is this grant's to change.
            + " WHERE memberships.request_id IS NULL OR memberships.request_id = EXCLUDED.request_id"
            + " OR NOT memberships.present")
        .bind("g", group).bind("login", request.requester()).bind("user", state.idpUserId())
        .bind("request", requestId).bind("present", !removed).bind("granted", ts(state.grantedAt()))
        .bind("now", ts(clock.instant())).bind("gone", ts(state.revokedAt()))
        .execute();
  }

  /** Appends the entries not yet in the chain, in order, under the chain's row lock. */
  private void append(Handle handle, String requestId, AccessRequest request, String ticketKey, List<AuditEntry> entries) {
    AuditChain.append(handle, clock.instant(), requestId, request.requester(), request.app(), request.role(), ticketKey,
        entries.stream().map(e -> new AuditChain.Step(e.sequence(), e.at(), e.kind().name(), e.status().name(), e.text()))
            .toList());
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a ledger record as JSON: " + e.getOriginalMessage());
    }
  }

  static OffsetDateTime ts(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }
}
