package dev.accessflow.ledger;

import static dev.accessflow.ledger.LedgerFixtures.T0;
import static dev.accessflow.ledger.LedgerFixtures.lifeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.ledger.DriftFindings.Finding;
import dev.accessflow.ledger.InventoryQueries.MembershipLine;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.GroupSync;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.model.MembershipChange;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inventory and drift findings on a real (embedded) PostgreSQL: every way a membership is classified. */
class InventoryLedgerTest {
  private static final String GROUP = "00g-grafana-admins";
  private static final InventoryGroup REPORT = new InventoryGroup(GROUP, "grafana", "admin", "report", 86_400);
  private static final InventoryGroup REMOVE = new InventoryGroup(GROUP, "grafana", "admin", "remove", 3_600);
  private static final InventoryGroup ADOPT = new InventoryGroup(GROUP, "grafana", "admin", "adopt", 86_400);

  private static LedgerDatabase database;
  private final MovableClock clock = new MovableClock(T0.plus(Duration.ofHours(1)));
  private InventoryLedger inventory;
  private DriftFindings drift;
  private InventoryQueries queries;
  private PostgresLedger ledger;

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
    inventory = new InventoryLedger(database.jdbi(), clock);
    drift = new DriftFindings(database.jdbi(), clock);
    queries = new InventoryQueries(database.jdbi());
    ledger = new PostgresLedger(database.jdbi(), "okta", clock);
  }

  private static DirectoryMember member(String login) {
    return new DirectoryMember("00u-" + login.substring(0, login.indexOf('@')), login, login, "ACTIVE",
        T0.minus(Duration.ofDays(3)), "engineering", "Engineer", "maria@example.com");
  }

  /** One whole sync of the group listing these people, in one page. */
  private GroupSync sync(String syncId, InventoryGroup group, String... logins) {
    inventory.syncStarted(syncId, "test", 1);
    inventory.recordPage(syncId, group, Arrays.stream(logins).map(InventoryLedgerTest::member).toList(), clock.instant(),
        InventoryLedger.LeaseLookup.NONE);
    GroupSync done = inventory.finishGroup(syncId, group);
    inventory.syncFinished(syncId);
    clock.advance(Duration.ofMinutes(15));
    return done;
  }

  private List<Finding> open() {
    return drift.list(new DriftFindings.Filter(true, null, null, null, null, null), null, 100);
  }

  private MembershipLine line(String login) {
    return queries.memberships(new InventoryQueries.Filter(null, null, GROUP, login, null, true), null, null, 10)
        .stream().findFirst().orElse(null);
  }

  /** Dana's grafana admin grant, granted (parts 1 and 2 of the fixture); removed too when {@code ended}. */
  private void danaGranted(boolean ended) {
    List<LedgerPart> parts = lifeOf("REQ-1", AccessRequests.REQUESTER, T0);
    parts.subList(0, ended ? 3 : 2).forEach(part -> ledger.record("REQ-1", part));
  }

  @Test
  void theFirstSyncRecordsGrantedMembersAsGrantsAndTheRestAsStandingFindings() {
    danaGranted(false);

    GroupSync done = sync("s1", REPORT, "dana@example.com", "ed@example.com");

    assertThat(done).isEqualTo(new GroupSync(2, 0, 1));
    assertThat(line("dana@example.com").source()).isEqualTo("grant");
    assertThat(line("dana@example.com").requestId()).isEqualTo("REQ-1");
    MembershipLine ed = line("ed@example.com");
    assertThat(ed.source()).isEqualTo("standing");
    assertThat(ed.lastLogin()).isEqualTo(T0.minus(Duration.ofDays(3)));
    assertThat(ed.department()).isEqualTo("engineering");
    assertThat(ed.title()).isEqualTo("Engineer");
    assertThat(ed.manager()).isEqualTo("maria@example.com");
    assertThat(open()).singleElement().satisfies(f -> {
      assertThat(f.login()).isEqualTo("ed@example.com");
      assertThat(f.kind()).isEqualTo("standing");
      assertThat(f.policy()).isEqualTo("report");
      assertThat(f.removeAfter()).isNull();
      assertThat(ed.openFinding()).isEqualTo(f.findingId());
    });
  }

  @Test
  void someoneAddedAfterTheFirstSyncIsOutOfBandAndAKnownMemberOpensNothingNew() {
    sync("s1", REPORT, "ed@example.com");

    GroupSync second = sync("s2", REPORT, "ed@example.com", "bob@example.com");

    assertThat(second.findings()).isEqualTo(1);
    assertThat(line("bob@example.com").source()).isEqualTo("out-of-band");
    assertThat(open()).extracting(Finding::login, Finding::kind)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("bob@example.com", "out-of-band"),
            org.assertj.core.groups.Tuple.tuple("ed@example.com", "standing"));
    // Seen again: still one finding each.
    assertThat(sync("s3", REPORT, "ed@example.com", "bob@example.com").findings()).isZero();
    assertThat(open()).hasSize(2);
  }

  @Test
  void aMemberNoLongerListedIsGoneAndTheirFindingClosesAsGone() {
    sync("s1", REPORT);
    sync("s2", REPORT, "bob@example.com");

    GroupSync third = sync("s3", REPORT);

    assertThat(third.gone()).isEqualTo(1);
    assertThat(line("bob@example.com")).isNull();
    assertThat(open()).isEmpty();
    Finding closed = drift.list(new DriftFindings.Filter(false, null, null, null, null, null), null, 10).get(0);
    assertThat(closed.state()).isEqualTo("gone");
    assertThat(closed.resolution()).contains("not listed by sync s3");
  }

  @Test
  void aMembershipAccessflowRemovedThatComesBackIsAStickyRevokeFindingDueForRemovalAtOnce() {
    sync("s1", REMOVE);
    danaGranted(true); // granted, expired and removed at T0 + 24 h
    clock.set(T0.plus(Duration.ofDays(2)));

    sync("s2", REMOVE, "dana@example.com");

    Finding back = open().get(0);
    assertThat(back.kind()).isEqualTo("reappeared");
    assertThat(back.detail()).contains("sticky revoke").contains("REQ-1");
    assertThat(back.removeAfter()).isEqualTo(T0.plus(Duration.ofDays(2)).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    assertThat(drift.dueRemovals(10)).extracting(Finding::findingId).containsExactly(back.findingId());
  }

  @Test
  void aListingThatBeganBeforeAccessflowsRemovalShowsTheGrantNotAComeback() {
    sync("s1", REPORT);
    danaGranted(true);
    Instant listedBeforeTheRemoval = T0.plus(Duration.ofHours(23));

    inventory.recordPage("s2", REPORT, List.of(member("dana@example.com")), listedBeforeTheRemoval,
        InventoryLedger.LeaseLookup.NONE);

    assertThat(open()).isEmpty();
    assertThat(line("dana@example.com").source()).isEqualTo("grant");
  }

  @Test
  void outOfBandUnderTheRemovePolicyIsDueAfterTheGrace() {
    sync("s1", REMOVE);
    Instant seen = clock.instant();

    sync("s2", REMOVE, "bob@example.com");

    Finding f = open().get(0);
    assertThat(f.removeAfter()).isEqualTo(seen.plusSeconds(3_600));
    assertThat(drift.dueRemovals(10)).isEmpty();
    clock.set(seen.plusSeconds(3_601));
    assertThat(drift.dueRemovals(10)).hasSize(1);
    assertThat(drift.nextRemovalAt()).contains(seen.plusSeconds(3_600));
  }

  @Test
  void theAdoptPolicyRecordsStandingAccessAndClosesItsFindingAtOnce() {
    sync("s1", ADOPT, "ed@example.com");

    assertThat(line("ed@example.com").source()).isEqualTo("standing");
    assertThat(open()).isEmpty();
    Finding adopted = drift.list(new DriftFindings.Filter(false, null, null, null, null, null), null, 10).get(0);
    assertThat(adopted.state()).isEqualTo("adopted");
    assertThat(adopted.resolvedBy()).isEqualTo("policy");
  }

  @Test
  void aRequestHoldingTheMembershipLeaseIsAGrantEvenBeforeTheLedgerHearsOfIt() {
    sync("s1", REPORT);

    inventory.recordPage("s2", REPORT, List.of(member("bob@example.com")), clock.instant(),
        (group, login) -> login.equals("bob@example.com") && group.equals(GROUP) ? "REQ-9" : null);

    assertThat(open()).isEmpty();
    assertThat(line("bob@example.com").source()).isEqualTo("grant");
    assertThat(line("bob@example.com").requestId()).isEqualTo("REQ-9");
  }

  @Test
  void aRequestForAccessSomeoneAddedOutOfBandDoesNotLaunderIt() {
    sync("s1", REPORT);
    sync("s2", REPORT, "dana@example.com");
    long finding = open().get(0).findingId();
    // Dana asks for the access she already has: the grant finds her in the group, so it is standing
    // and leaves the membership in place at its end.
    List<LedgerPart> parts = lifeOf("REQ-2", AccessRequests.REQUESTER, clock.instant());
    LedgerPart granted = parts.get(1);
    ledger.record("REQ-2", parts.get(0));
    ledger.record("REQ-2", new LedgerPart(granted.revision(), granted.state(), List.of(GROUP), granted.approvedBy(),
        granted.entries()));

    sync("s3", REPORT, "dana@example.com");

    assertThat(line("dana@example.com").source()).isEqualTo("out-of-band");
    assertThat(open()).extracting(Finding::findingId).containsExactly(finding);
    assertThat(inventory.activeGrant(GROUP, "dana@example.com", null)).hasValueSatisfying(g -> {
      assertThat(g.requestId()).isEqualTo("REQ-2");
      assertThat(g.standing()).isTrue();
    });
    // After the grant's end the membership is still there and still out of band, its finding still open.
    clock.advance(Duration.ofDays(2));
    sync("s4", REPORT, "dana@example.com");
    assertThat(line("dana@example.com").source()).isEqualTo("out-of-band");
    assertThat(open()).extracting(Finding::findingId).containsExactly(finding);
    assertThat(inventory.activeGrant(GROUP, "dana@example.com", null)).isEmpty();
  }

  @Test
  void aGrantCoveringAnOpenFindingClosesItAsGranted() {
    sync("s1", REPORT);
    sync("s2", REPORT, "dana@example.com");
    assertThat(open()).hasSize(1);
    danaGranted(false);

    sync("s3", REPORT, "dana@example.com");

    assertThat(open()).isEmpty();
    Finding closed = drift.list(new DriftFindings.Filter(false, null, null, null, null, null), null, 10).get(0);
    assertThat(closed.state()).isEqualTo("granted");
    assertThat(closed.resolution()).contains("REQ-1");
  }

  @Test
  void eventsApplyOnceEachByTheirIdAndInTheOrderTheyHappened() {
    sync("s1", REPORT);
    Instant t = clock.instant();
    MembershipChange add = new MembershipChange("evt-1", GROUP, "00u-bob", "Bob@Example.com", true, t, "admin@example.com");
    MembershipChange remove = new MembershipChange("evt-2", GROUP, "00u-bob", "bob@example.com", false, t.plusSeconds(5),
        "admin@example.com");
    Map<String, InventoryGroup> groups = Map.of(GROUP, REPORT);

    // Delivered out of order, then the add again (Okta delivers at least once).
    assertThat(inventory.observe(null, List.of(remove, add), groups, InventoryLedger.LeaseLookup.NONE)).isEqualTo(1);
    assertThat(inventory.observe(null, List.of(add), groups, InventoryLedger.LeaseLookup.NONE)).isZero();

    assertThat(line("bob@example.com")).isNull();
    List<Finding> all = drift.list(new DriftFindings.Filter(null, null, null, null, null, null), null, 10);
    assertThat(all).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo("out-of-band");
      assertThat(f.detectedBy()).isEqualTo("event evt-1 by admin@example.com");
      assertThat(f.state()).isEqualTo("gone");
    });
  }

  @Test
  void anEventForAGroupOutsideTheCatalogChangesNothing() {
    assertThat(inventory.observe(null, List.of(new MembershipChange("evt-1", "00g-other", "00u-bob", "bob@example.com",
        true, clock.instant(), null)), Map.of(GROUP, REPORT), InventoryLedger.LeaseLookup.NONE)).isZero();
    assertThat(queries.memberships(new InventoryQueries.Filter(null, null, null, null, null, true), null, null, 10))
        .isEmpty();
  }

  @Test
  void aGroupTheIdpNoLongerHasOrRenamedIsAFindingOfItsOwn() {
    assertThat(inventory.groupChecked(REPORT, Optional.of("grafana-admins"))).isZero();
    assertThat(inventory.groupChecked(REPORT, Optional.of("grafana-admins-old"))).isEqualTo(1);
    assertThat(open()).singleElement().satisfies(f -> {
      assertThat(f.kind()).isEqualTo("group-renamed");
      assertThat(f.login()).isEmpty();
      assertThat(f.detail()).contains("'grafana-admins' to 'grafana-admins-old'");
    });
    drift.adopt(open().get(0).findingId(), "sam@example.com", "renamed on purpose");

    assertThat(inventory.groupChecked(REPORT, Optional.empty())).isEqualTo(1);
    assertThat(inventory.groupChecked(REPORT, Optional.empty())).isZero();
    assertThat(open()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo("group-missing"));
    assertThat(queries.groups()).singleElement().satisfies(g -> assertThat(g.state()).isEqualTo("missing"));
    long missing = open().get(0).findingId();
    assertThatThrownBy(() -> drift.requestRemoval(missing, "sam@example.com", "x"))
        .isInstanceOf(DriftFindings.Refused.class).hasMessageContaining("about group " + GROUP + " itself");
  }

  @Test
  void adoptingOrRemovingIsAnActionWithAnActorAndAReasonAndOnlyOnAnOpenFinding() throws Exception {
    sync("s1", REPORT);
    sync("s2", REPORT, "bob@example.com", "ed@example.com");
    List<Finding> found = open();
    long bob = found.stream().filter(f -> f.login().equals("bob@example.com")).findFirst().orElseThrow().findingId();
    long ed = found.stream().filter(f -> f.login().equals("ed@example.com")).findFirst().orElseThrow().findingId();

    Finding adopted = drift.adopt(bob, "sam@example.com", "on-call rota since May");
    Finding asked = drift.requestRemoval(ed, "sam@example.com", "nobody asked for it");

    assertThat(adopted.state()).isEqualTo("adopted");
    assertThat(adopted.resolvedBy()).isEqualTo("sam@example.com");
    assertThat(adopted.resolution()).isEqualTo("adopted as standing access: on-call rota since May");
    assertThat(line("bob@example.com").source()).isEqualTo("standing");
    assertThat(asked.state()).isEqualTo("open");
    assertThat(asked.removalRequestedBy()).isEqualTo("sam@example.com");
    assertThat(drift.dueRemovals(10)).extracting(Finding::findingId).containsExactly(ed);
    assertThatThrownBy(() -> drift.adopt(bob, "sam@example.com", "again"))
        .isInstanceOf(DriftFindings.Refused.class).hasMessageContaining("already adopted");
    assertThatThrownBy(() -> drift.adopt(999, "sam@example.com", "x"))
        .isInstanceOfSatisfying(DriftFindings.Refused.class, r -> assertThat(r.notFound()).isTrue());
    // The adoption is on the audit log's hash chain, as the finding's own trail, and the chain verifies.
    drift.resolve(ed, "removed", "sam@example.com", "removed from group " + GROUP + " through the IdP: nobody asked for it");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    new AuditExport(database.dataSource()).write(new AuditExport.Filter(null, null, null, null, null),
        AuditExport.Format.JSONL, out);
    String export = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(export).contains("\"requestId\":\"drift-" + bob + "\"").contains("DRIFT_ADOPTED")
        .contains("Adopted as standing access by sam@example.com: on-call rota since May")
        .contains("\"requestId\":\"drift-" + ed + "\"").contains("DRIFT_REMOVED");
    assertThat(new AuditVerifier().verify(new java.io.StringReader(export), false).ok()).isTrue();
    // Adopted: the next sync opens nothing for bob.
    assertThat(sync("s3", REPORT, "bob@example.com", "ed@example.com").findings()).isZero();
  }

  @Test
  void accessflowsOwnGrantAndRemovalShowInTheInventoryAtOnce() {
    danaGranted(false);
    assertThat(line("dana@example.com").source()).isEqualTo("grant");

    ledger.record("REQ-1", lifeOf("REQ-1", AccessRequests.REQUESTER, T0).get(2));

    assertThat(line("dana@example.com")).isNull();
  }
}
