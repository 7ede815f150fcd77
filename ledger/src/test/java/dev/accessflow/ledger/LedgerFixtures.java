package dev.accessflow.ledger;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.testing.AccessRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Parts of one request's life, as the workflow sends them to the ledger. */
final class LedgerFixtures {
  static final Instant T0 = Instant.parse("2026-03-02T09:00:00.123Z");

  private LedgerFixtures() {}

  /**
   * Empties every table of the ledger. The audit log refuses TRUNCATE by trigger: a test starts from
   * empty the only way an owner can.
   */
  static void empty(LedgerDatabase database) {
    database.jdbi().useHandle(h -> h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
        + " TRUNCATE audit_log, decisions, grants, requests, memberships, inventory_groups, drift_findings,"
        + " inventory_events, inventory_syncs, review_messages, review_items, reviews,"
        + " reclaim_owner_notices, reclaim_items, reclaim_runs, app_sign_ins, app_usage_reads;"
        + " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;"
        + " UPDATE audit_chain SET position = 0, hash = '" + AuditChain.GENESIS + "'"));
  }

  /** A request run to its end: submitted, approved by a person, granted for 24 h, expired. Four parts. */
  static List<LedgerPart> lifeOf(String requestId, String requester, Instant start) {
    AccessRequest request = request(requestId, requester);
    RecordedDecision approval = new RecordedDecision(requestId + "-e1", AccessRequests.MANAGER, Verdict.APPROVE,
        Channel.SLACK, "ok", start.plusSeconds(60), "owner");
    Instant granted = start.plusSeconds(61);
    Instant expires = granted.plus(Duration.ofHours(24));
    Instant removed = expires.plusMillis(40);
    List<LedgerPart> parts = new ArrayList<>();
    parts.add(new LedgerPart(1, state(request, RequestStatus.PENDING_APPROVAL, start, List.of(), null, null, null), List.of(),
        null, List.of(entry(1, start, AuditKind.SUBMITTED, RequestStatus.SUBMITTED, "Submitted by " + requester + "."))));
    parts.add(new LedgerPart(2, state(null, RequestStatus.ACTIVE, start, List.of(approval), granted, expires, null),
        List.of(), AccessflowTemporal.APPROVED_BY_PEOPLE, List.of(
            entry(2, approval.at(), AuditKind.APPROVED, RequestStatus.APPROVED, "Approved by maria via SLACK: \"ok\"."),
            entry(3, granted, AuditKind.PROVISIONED, RequestStatus.ACTIVE, "Added " + requester + " to groups."),
            entry(4, granted, AuditKind.EXPIRY_SCHEDULED, RequestStatus.ACTIVE, "Access expires at " + expires + "."))));
    parts.add(new LedgerPart(3, state(null, RequestStatus.EXPIRED, start, List.of(approval), granted, expires, removed),
        List.of(), AccessflowTemporal.APPROVED_BY_PEOPLE, List.of(
            entry(5, removed, AuditKind.REVOKED, RequestStatus.EXPIRED, "Expired. Removed, with a comma, and \"quotes\"\nand a line break."))));
    parts.add(new LedgerPart(4, state(null, RequestStatus.EXPIRED, start, List.of(approval), granted, expires, removed),
        List.of(), AccessflowTemporal.APPROVED_BY_PEOPLE, List.of()));
    return parts;
  }

  static AccessRequest request(String requestId, String requester) {
    AccessRequest r = AccessRequests.grafanaAdmin(requestId);
    return new AccessRequest(requestId, requester, r.app(), r.role(), r.groups(), r.riskTier(), r.duration(),
        r.maxDuration(), r.reason(), r.source(), r.route(), r.approvalTimeout(), null, r.policy(), r.groupNames(), null);
  }

  static AccessRequestState state(AccessRequest request, RequestStatus status, Instant submitted,
      List<RecordedDecision> decisions, Instant granted, Instant expires, Instant revoked) {
    return new AccessRequestState(request, status, submitted, decisions.size(), decisions, "00u-" + status.ordinal(),
        granted, expires, revoked, null, revoked == null ? null : Duration.between(expires, revoked), "ACC-7",
        List.of(), null, 0, List.of(), false);
  }

  static AuditEntry entry(long sequence, Instant at, AuditKind kind, RequestStatus status, String text) {
    return new AuditEntry(sequence, at, kind, status, text);
  }
}
