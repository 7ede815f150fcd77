package dev.accessflow.ledger;

import static dev.accessflow.ledger.LedgerFixtures.T0;
import static dev.accessflow.ledger.LedgerFixtures.lifeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.ledger.LedgerQueries.RequestFilter;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ledger on a real (embedded) PostgreSQL, migrated from empty. */
class PostgresLedgerTest {
  private static LedgerDatabase database;
  private PostgresLedger ledger;
  private LedgerQueries queries;

  @BeforeAll
  static void startDatabase() {
    database = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests());
  }

  @AfterAll
  static void stopDatabase() {
    database.close();
  }

  @BeforeEach
  void empty() {
    LedgerFixtures.empty(database);
    ledger = new PostgresLedger(database.jdbi(), "sandbox", Clock.systemUTC());
    queries = new LedgerQueries(database.jdbi());
  }

  private void recordAll(String requestId, List<LedgerPart> parts) {
    parts.forEach(part -> ledger.record(requestId, part));
  }

  private String export(AuditExport.Filter filter, AuditExport.Format format) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new AuditExport(database.dataSource()).write(filter, format, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  private static final AuditExport.Filter ALL = new AuditExport.Filter(null, null, null, null, null);

  @Test
  void migrationsFromEmptyCreateTheSchemaAndTheAuditLogRefusesChanges() {
    Integer version = database.jdbi().withHandle(h -> h.createQuery(
        "SELECT max(version::int) FROM ledger_schema_history WHERE success").mapTo(Integer.class).one());
    assertThat(version).isEqualTo(6);
    recordAll("r1", lifeOf("r1", AccessRequests.REQUESTER, T0));

    assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("UPDATE audit_log SET text = 'nothing happened'")))
        .hasMessageContaining("the audit log is append-only: UPDATE refused");
    assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("DELETE FROM audit_log WHERE position = 2")))
        .hasMessageContaining("append-only: DELETE refused");
  }

  @Test
  void aPersonHasOneOpenReclaimItemPerRoleWhicheverRunOpenedItAndAnyNumberOfClosedOnes() {
    database.jdbi().useHandle(h -> {
      h.execute("TRUNCATE reclaim_items, reclaim_runs CASCADE");
      for (String run : List.of("grafana-1", "grafana-2", "grafana-3")) {
        h.execute("INSERT INTO reclaim_runs (run_id, app, started_by, started_via, started_at, state)"
            + " VALUES (?, 'grafana', 'schedule', 'schedule', now(), 'grace')", run);
      }
      String item = "INSERT INTO reclaim_items (run_id, app, role, login, groups, source, mode, inactive_after, grace,"
          + " signal, finding, state) VALUES (?, 'grafana', 'admin', 'dana@example.com', ARRAY['grafana-admins'],"
          + " 'standing', 'enforce', 'P90D', 'P7D', 'app-sign-in', 'unused', ?)";
      h.execute(item, "grafana-1", "kept");
      h.execute(item, "grafana-2", "warned");
    });
    assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute(
        "INSERT INTO reclaim_items (run_id, app, role, login, groups, source, mode, inactive_after, grace, signal,"
            + " finding, state) VALUES ('grafana-3', 'grafana', 'admin', 'dana@example.com', ARRAY['g'], 'standing',"
            + " 'enforce', 'P90D', 'P7D', 'app-sign-in', 'unused', 'removing')")))
        .hasMessageContaining("reclaim_one_open");
  }

  @Test
  void aPartRecordedTwiceOrAfterANewerOneWritesNothingTwiceAndNeverMovesStateBack() {
    List<LedgerPart> parts = lifeOf("r1", AccessRequests.REQUESTER, T0);
    recordAll("r1", parts);
    recordAll("r1", parts); // every activity retried
    ledger.record("r1", parts.get(1)); // a late attempt of an older part

    long rows = database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM audit_log").mapTo(Long.class).one());
    assertThat(rows).isEqualTo(5);
    long decisions = database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM decisions").mapTo(Long.class).one());
    assertThat(decisions).isEqualTo(1);
    AccessRequestState state = queries.state("r1").orElseThrow();
    assertThat(state.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(state.request().requester()).isEqualTo(AccessRequests.REQUESTER);
    assertThat(state.request().groups()).containsExactly("00g-grafana-admins", "00g-prod-readers");
    assertThat(state.decisions()).singleElement().satisfies(d -> assertThat(d.actor()).isEqualTo(AccessRequests.MANAGER));
    assertThat(state.revocationLag()).isEqualTo(Duration.ofMillis(40));
  }

  @Test
  void aDecisionAndARevocationAreCountedOnceHoweverOftenTheirPartIsWritten() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    PostgresLedger metered = new PostgresLedger(database.jdbi(), "sandbox", Clock.systemUTC(),
        new AccessflowMetrics(registry));
    List<LedgerPart> parts = lifeOf("r1", AccessRequests.REQUESTER, T0);
    parts.forEach(part -> metered.record("r1", part));
    parts.forEach(part -> metered.record("r1", part)); // every activity retried
    metered.record("r1", parts.get(2)); // and a late attempt of the revoking part

    assertThat(registry.get("accessflow.decisions").tags("channel", "slack", "verdict", "approve").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("accessflow.revocation.lag").timer().count()).isEqualTo(1);
    assertThat(registry.get("accessflow.revocation.lag").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
        .isEqualTo(40);
  }

  @Test
  void theGaugesCountWhatIsHeldPendingAndOverdueAtTheClocksNow() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<LedgerPart> parts = lifeOf("r1", AccessRequests.REQUESTER, T0);
    Instant expires = parts.get(1).state().expiresAt();
    var clock = new java.util.concurrent.atomic.AtomicReference<>(T0.plusSeconds(30));
    Clock moving = new Clock() {
      @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
      @Override public Clock withZone(java.time.ZoneId zone) { return this; }
      @Override public Instant instant() { return clock.get(); }
    };
    LedgerGauges gauges = new LedgerGauges(database.jdbi(), moving, new AccessflowMetrics(registry));

    ledger.record("r1", parts.get(0));
    LedgerGauges.Snapshot pending = gauges.refresh();
    assertThat(pending.pendingApprovals()).isEqualTo(1);
    assertThat(pending.oldestPendingSeconds()).isEqualTo(30);
    assertThat(registry.get("accessflow.approvals.pending").gauge().value()).isEqualTo(1);

    ledger.record("r1", parts.get(1));
    clock.set(expires.plusSeconds(59)); // within the minute a removal normally takes
    assertThat(gauges.refresh()).satisfies(s -> {
      assertThat(s.pendingApprovals()).isZero();
      assertThat(s.activeGrants()).isEqualTo(2);
      assertThat(s.removalsOverdue()).isZero();
    });
    clock.set(expires.plusSeconds(300));
    assertThat(gauges.refresh()).satisfies(s -> {
      assertThat(s.removalsOverdue()).isEqualTo(2);
      assertThat(s.oldestOverdueSeconds()).isEqualTo(300);
    });
    assertThat(registry.get("accessflow.removals.overdue").gauge().value()).isEqualTo(2);
    assertThat(registry.get("accessflow.ledger.up").gauge().value()).isEqualTo(1);

    ledger.record("r1", parts.get(2));
    assertThat(gauges.refresh()).satisfies(s -> {
      assertThat(s.activeGrants()).isZero();
      assertThat(s.removalsOverdue()).isZero();
      assertThat(s.oldestOverdueSeconds()).isZero();
    });
  }

  @Test
  void gaugesOverAnUnreachableLedgerSayItIsDownAndKeepTheirLastValues() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ledger.record("r1", lifeOf("r1", AccessRequests.REQUESTER, T0).get(0));
    org.jdbi.v3.core.Jdbi broken = org.jdbi.v3.core.Jdbi.create(() -> {
      throw new java.sql.SQLException("connection refused", "08001");
    });
    LedgerGauges working = new LedgerGauges(database.jdbi(), Clock.systemUTC(), AccessflowMetrics.none());
    assertThat(working.refresh().pendingApprovals()).isEqualTo(1);
    LedgerGauges gauges = new LedgerGauges(broken, Clock.systemUTC(), new AccessflowMetrics(registry));
    assertThat(gauges.refresh().pendingApprovals()).isZero();
    assertThat(registry.get("accessflow.ledger.up").gauge().value()).isZero();
  }

  @Test
  void aRefusedWriteSaysWhatTheDatabaseSaidButNeverTheStatementOrItsArguments() {
    List<LedgerPart> life = lifeOf("r1", AccessRequests.REQUESTER, T0);
    database.jdbi().useHandle(h -> h.execute("ALTER TABLE audit_log ADD CONSTRAINT refuse_all CHECK (false) NOT VALID"));
    try {
      assertThatThrownBy(() -> ledger.record("r1", life.get(0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("the ledger's database did not take the write: SQLState 23514: ")
          .hasMessageContaining("refuse_all")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("INSERT").doesNotContain("arguments")
              .doesNotContain(AccessRequests.REQUESTER));
    } finally {
      database.jdbi().useHandle(h -> h.execute("ALTER TABLE audit_log DROP CONSTRAINT refuse_all"));
    }
    assertThat(queries.state("r1")).as("nothing half-written: the transaction rolled back").isEmpty();
  }

  @Test
  void aPartWhoseRequestTheLedgerHasNotSeenIsRefusedSoItIsRetriedAfterTheFirst() {
    List<LedgerPart> parts = lifeOf("r1", AccessRequests.REQUESTER, T0);

    assertThatThrownBy(() -> ledger.record("r1", parts.get(1))).hasMessageContaining("the ledger has no row for request r1");

    assertThat(queries.state("r1")).isEmpty();
  }

  @Test
  void theRequestListIsNewestFirstFilteredAndPagedByCursor() {
    for (int i = 0; i < 5; i++) {
      recordAll("r" + i, lifeOf("r" + i, i % 2 == 0 ? "dana@example.com" : "lee@example.com", T0.plusSeconds(i * 3600L)));
    }

    var first = queries.requests(new RequestFilter(null, null, null, null, null, null), null, 2);
    var second = queries.requests(new RequestFilter(null, null, null, null, null, null), first.next(), 2);
    var third = queries.requests(new RequestFilter(null, null, null, null, null, null), second.next(), 2);

    assertThat(first.items()).extracting(LedgerQueries.RequestLine::requestId).containsExactly("r4", "r3");
    assertThat(second.items()).extracting(LedgerQueries.RequestLine::requestId).containsExactly("r2", "r1");
    assertThat(third.items()).extracting(LedgerQueries.RequestLine::requestId).containsExactly("r0");
    assertThat(third.next()).isNull();
    assertThat(queries.requests(new RequestFilter("DANA@example.com", "grafana", "admin", "EXPIRED",
        T0.plusSeconds(3600), T0.plusSeconds(5 * 3600)), null, 10).items())
        .extracting(LedgerQueries.RequestLine::requestId).containsExactly("r4", "r2");
    assertThatThrownBy(() -> queries.requests(new RequestFilter(null, null, null, null, null, null), "not-a-cursor", 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cursor 'not-a-cursor' is not one");
  }

  @Test
  void approvedBeforeCountsOnlyRunsPeopleApprovedThatEnded() {
    recordAll("r1", lifeOf("r1", AccessRequests.REQUESTER, T0));
    recordAll("r2", lifeOf("r2", AccessRequests.REQUESTER, T0.plusSeconds(10)));
    List<LedgerPart> byPolicy = lifeOf("r3", AccessRequests.REQUESTER, T0.plusSeconds(20)).stream()
        .map(p -> new LedgerPart(p.revision(), p.state(), p.standingGroups(), AccessflowTemporal.APPROVED_BY_POLICY,
            p.entries())).toList();
    recordAll("r3", byPolicy);
    List<LedgerPart> stillActive = lifeOf("r4", AccessRequests.REQUESTER, T0.plusSeconds(30)).subList(0, 2);
    recordAll("r4", stillActive);

    assertThat(queries.approvedBefore("DANA@example.com", "grafana", "admin")).isEqualTo(2);
    assertThat(queries.approvedBefore(AccessRequests.REQUESTER, "grafana", "viewer")).isZero();
  }

  @Test
  void whoHadAccessAtAMomentComesFromTheGrants() {
    List<LedgerPart> parts = lifeOf("r1", AccessRequests.REQUESTER, T0);
    recordAll("r1", parts);
    Instant granted = parts.get(1).state().grantedAt();
    Instant removed = parts.get(2).state().revokedAt();

    assertThat(queries.accessAt(granted.minusSeconds(1), "grafana", null, null, 100)).isEmpty();
    assertThat(queries.accessAt(granted.plusSeconds(3600), "grafana", "admin", AccessRequests.REQUESTER, 100))
        .extracting(LedgerQueries.AccessHeld::groupId).containsExactly("00g-grafana-admins", "00g-prod-readers");
    assertThat(queries.accessAt(granted.plusSeconds(3600), null, null, null, 100)).allSatisfy(held -> {
      assertThat(held.removedAt()).isEqualTo(removed);
      assertThat(held.approvedBy()).isEqualTo(AccessflowTemporal.APPROVED_BY_PEOPLE);
      assertThat(held.idp()).isEqualTo("sandbox");
    });
    assertThat(queries.accessAt(removed, null, null, null, 100)).isEmpty();
  }

  @Test
  void anUntouchedExportVerifiesInBothFormats() throws Exception {
    List<LedgerPart> first = lifeOf("r1", AccessRequests.REQUESTER, T0);
    List<LedgerPart> second = lifeOf("r2", "lee@example.com", T0.plusSeconds(5));
    for (int i = 0; i < first.size(); i++) { // two requests at once: their rows interleave in the chain
      ledger.record("r1", first.get(i));
      ledger.record("r2", second.get(i));
    }
    AuditVerifier verifier = new AuditVerifier();

    String jsonl = export(ALL, AuditExport.Format.JSONL);
    String csv = export(ALL, AuditExport.Format.CSV);

    assertThat(jsonl.lines()).hasSize(10);
    AuditVerifier.Result fromJson = verifier.verify(new StringReader(jsonl), false);
    assertThat(fromJson.ok()).as(fromJson.problem()).isTrue();
    assertThat(fromJson.rows()).isEqualTo(10);
    String head = database.jdbi().withHandle(h -> h.createQuery("SELECT hash FROM audit_chain").mapTo(String.class).one());
    assertThat(fromJson.lastHash()).isEqualTo(head);
    AuditVerifier.Result fromCsv = verifier.verify(new StringReader(csv), false);
    assertThat(fromCsv.ok()).as(fromCsv.problem()).isTrue();
    assertThat(fromCsv.rows()).isEqualTo(10);
    // One request's rows: the other request's positions are missing on purpose.
    String one = export(new AuditExport.Filter(null, null, "r2", null, null), AuditExport.Format.JSONL);
    assertThat(one.lines()).hasSize(5);
    assertThat(verifier.verify(new StringReader(one), true).ok()).isTrue();
    assertThat(verifier.verify(new StringReader(one), false).problem()).contains("verify with --filtered");
  }

  @Test
  void anEditedADeletedAndASwappedRowAreEachNamed() throws Exception {
    recordAll("r1", lifeOf("r1", AccessRequests.REQUESTER, T0));
    List<String> lines = export(ALL, AuditExport.Format.JSONL).lines().toList();
    AuditVerifier verifier = new AuditVerifier();

    List<String> edited = new java.util.ArrayList<>(lines);
    edited.set(2, edited.get(2).replace("Added dana@example.com", "Added nobody"));
    List<String> deleted = new java.util.ArrayList<>(lines);
    deleted.remove(3);
    List<String> swapped = new java.util.ArrayList<>(lines);
    java.util.Collections.swap(swapped, 1, 2);

    assertThat(verifier.verify(new StringReader(String.join("\n", edited)), false).problem())
        .isEqualTo("line 3 (position 3, request r1 step 3) was changed: its hash does not match its content");
    assertThat(verifier.verify(new StringReader(String.join("\n", deleted)), false).problem())
        .startsWith("1 row(s) removed before line 4 (position 5, request r1 step 5): positions 4 are missing");
    assertThat(verifier.verify(new StringReader(String.join("\n", swapped)), false).problem())
        .isEqualTo("line 3 (position 2, request r1 step 2) is out of order: it comes after position 3 (rows were reordered)");
  }

  @Test
  void rowsTakenFromTheEndOfTheLogLeaveNoGapButTheChainHeadNoLongerMatches() throws Exception {
    assertThat(queries.chainHead().intact()).isTrue(); // empty: the head is the genesis hash
    recordAll("r1", lifeOf("r1", AccessRequests.REQUESTER, T0));
    LedgerQueries.ChainHead head = queries.chainHead();
    assertThat(head.intact()).isTrue();
    assertThat(head.position()).isEqualTo(head.lastRowPosition()).isPositive();

    // An owner who switches the trigger off can delete the last row; the export still verifies.
    database.jdbi().useHandle(h -> h.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;"
        + " DELETE FROM audit_log WHERE position = (SELECT max(position) FROM audit_log);"
        + " ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only"));
    assertThat(new AuditVerifier().verify(new StringReader(export(ALL, AuditExport.Format.JSONL)), false).ok()).isTrue();

    LedgerQueries.ChainHead after = queries.chainHead();
    assertThat(after.intact()).isFalse();
    assertThat(after.position()).isEqualTo(head.position());
    assertThat(after.lastRowPosition()).isEqualTo(head.position() - 1);
  }

  @Test
  void anEditedCsvRowWhoseHashWasRecomputedIsCaughtByTheNextRowsLink() throws Exception {
    recordAll("r1", lifeOf("r1", AccessRequests.REQUESTER, T0));
    List<String> lines = export(ALL, AuditExport.Format.JSONL).lines().toList();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var node = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(lines.get(1));
    node.put("text", "Approved by the CEO.");
    AuditRow forged = new AuditRow(node.get("position").asLong(), node.get("requestId").asText(),
        node.get("sequence").asLong(), Instant.parse(node.get("at").asText()), Instant.parse(node.get("recordedAt").asText()),
        node.get("kind").asText(), node.get("status").asText(), node.get("text").asText(), node.get("requester").asText(),
        node.get("app").asText(), node.get("role").asText(), node.get("ticketKey").asText(), node.get("prevHash").asText(),
        null);
    node.put("hash", AuditChain.hash(forged));
    List<String> tampered = new java.util.ArrayList<>(lines);
    tampered.set(1, json.writeValueAsString(node));

    assertThat(new AuditVerifier().verify(new StringReader(String.join("\n", tampered)), false).problem())
        .isEqualTo("line 2 (position 2) was changed or replaced: the next row's prevHash does not match its hash");
  }
}
