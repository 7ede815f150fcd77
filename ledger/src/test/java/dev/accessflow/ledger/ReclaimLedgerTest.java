package dev.accessflow.ledger;

import static dev.accessflow.ledger.LedgerFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.ledger.ReclaimLedger.Item;
import dev.accessflow.ledger.ReclaimLedger.NewItem;
import dev.accessflow.ledger.ReclaimLedger.SignIn;
import dev.accessflow.ledger.ReclaimRules.Finding;
import dev.accessflow.ledger.ReviewLedger.Candidate;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.ReclaimPolicy;
import dev.accessflow.workflows.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Auto-reclaim on a real (embedded) PostgreSQL: findings once, graces, Keeps, sign-ins, removals, log reads. */
class ReclaimLedgerTest {
  private static final InventoryGroup ADMINS = new InventoryGroup("00g-admins", "grafana", "admin", "report", 86_400);
  private static final ReclaimPolicy ENFORCE = policy("enforce");
  private static final ReclaimPolicy DRY_RUN = policy("dry-run");
  private static final List<String> OWNERS = List.of("olga@example.com");

  private static LedgerDatabase database;
  private final MovableClock clock = new MovableClock(T0);
  private InventoryLedger inventory;
  private ReclaimLedger reclaim;
  private final ReclaimRules rules = new ReclaimRules();

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
    reclaim = new ReclaimLedger(database.jdbi(), clock);
    Instant longAgo = T0.minus(Duration.ofDays(400));
    clock.set(longAgo);
    list(member("dana@example.com", longAgo), member("erik@example.com", longAgo), member("olga@example.com", longAgo));
    clock.set(T0);
  }

  private static ReclaimPolicy policy(String mode) {
    return new ReclaimPolicy(Duration.ofDays(90), Duration.ofDays(7), List.of(), List.of(), mode, "keep", null,
        "member", Duration.ofDays(1), List.of());
  }

  private static DirectoryMember member(String login, Instant lastLogin) {
    return new DirectoryMember("00u-" + login.substring(0, login.indexOf('@')), login, login, "ACTIVE", lastLogin,
        "engineering", "Engineer", null);
  }

  private void list(DirectoryMember... members) {
    String sync = "sync-" + clock.instant();
    inventory.syncStarted(sync, "test", 1);
    inventory.recordPage(sync, ADMINS, List.of(members), clock.instant(), InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup(sync, ADMINS);
  }

  /** A run that scans the whole app the way the workflow does: judged page by page, cursor moved. */
  private int scan(String runId, ReclaimPolicy policy) {
    reclaim.createRun(new ReclaimLedger.Run(runId, "grafana", "olga@example.com", "rest", clock.instant(), null, null,
        null));
    int added = 0;
    while (true) {
      List<Candidate> page = ReviewLedger.candidates(database.jdbi(), List.of("grafana"), List.of(),
          reclaim.openCursor(runId), 2);
      if (page.isEmpty()) {
        reclaim.scanned(runId);
        return added;
      }
      List<NewItem> items = page.stream().map(c -> {
        var v = rules.judge(c, null, null, policy, c.login().startsWith("olga"), clock.instant());
        return v instanceof Finding f ? new NewItem(c, policy, f) : null;
      }).filter(java.util.Objects::nonNull).toList();
      added += reclaim.addItems(runId, items, ReviewLedger.cursorAfter(page.get(page.size() - 1)));
    }
  }

  private Item itemOf(String runId, String login) {
    return reclaim.items(new ReclaimLedger.ItemFilter(null, null, runId, login), 0, 10).get(0);
  }

  private List<String> trail(Item item) {
    return database.jdbi().withHandle(h -> h.createQuery("SELECT kind FROM audit_log WHERE request_id = :t"
        + " ORDER BY sequence").bind("t", ReclaimLedger.trail(item.runId(), item.itemId())).mapTo(String.class).list());
  }

  @Test
  void aScanWarnsEachUnusedMemberOnceStartsTheirGraceAndPutsTheWarningOnTheHashChain() throws Exception {
    assertThat(scan("r1", ENFORCE)).isEqualTo(3);

    Item dana = itemOf("r1", "dana@example.com");
    assertThat(dana.state()).isEqualTo(ReclaimRules.WARNED);
    assertThat(dana.signal()).isEqualTo(ReclaimRules.IDP_LAST_LOGIN);
    assertThat(dana.graceEndsAt()).isEqualTo(AuditChain.stored(T0.plus(Duration.ofDays(7))));
    assertThat(dana.groups()).containsExactly("00g-admins");
    assertThat(trail(dana)).containsExactly("RECLAIM_WARNED");
    assertThat(itemOf("r1", "olga@example.com").state()).isEqualTo(ReclaimRules.EXEMPT);
    assertThat(trail(itemOf("r1", "olga@example.com"))).isEmpty();
    assertThat(reclaim.counts("r1")).isEqualTo(new ReclaimLedger.Counts(3, 2, 0, 0, 0, 0, 0, 1, 0));

    // The next day's scan opens nothing for people whose grace runs, and does not repeat the exemption.
    clock.advance(Duration.ofDays(1));
    assertThat(scan("r2", ENFORCE)).isZero();
    assertThat(chainIntact()).isTrue();
  }

  @Test
  void aDryRunRecordsWhatItWouldDoOnceAndTakesNoKeep() {
    assertThat(scan("r1", DRY_RUN)).isEqualTo(3);
    Item dana = itemOf("r1", "dana@example.com");
    assertThat(dana.state()).isEqualTo(ReclaimRules.WOULD_RECLAIM);
    assertThat(dana.graceEndsAt()).isNull();
    assertThat(reclaim.backlog("r1").inGrace()).isZero();
    assertThatThrownBy(() -> reclaim.keep(dana.itemId(), "dana@example.com", "REST", "I need it", OWNERS, "member", false))
        .isInstanceOf(LedgerRefusal.class).hasMessageStartingWith("dry-run:");

    clock.advance(Duration.ofDays(1));
    assertThat(scan("r2", DRY_RUN)).isZero();
    // Switched to enforce, the same people are warned.
    assertThat(scan("r3", ENFORCE)).isEqualTo(2);
  }

  @Test
  void theMembersKeepWithAReasonEndsTheGraceAndIsRecordedWithWhoAndHow() {
    scan("r1", ENFORCE);
    Item dana = itemOf("r1", "dana@example.com");

    assertThatThrownBy(() -> reclaim.keep(dana.itemId(), "dana@example.com", "SLACK", " ", OWNERS, "member", false))
        .isInstanceOf(LedgerRefusal.class).hasMessageStartingWith("reason-required").extracting("status").isEqualTo(400);
    assertThatThrownBy(() -> reclaim.keep(dana.itemId(), "erik@example.com", "SLACK", "she needs it", OWNERS, "member", false))
        .isInstanceOf(LedgerRefusal.class).hasMessageStartingWith("not-member-or-owner").extracting("status").isEqualTo(403);

    Item kept = reclaim.keep(dana.itemId(), "Dana@Example.com", "SLACK", "on-call next month", OWNERS, "member", false);
    assertThat(kept.state()).isEqualTo(ReclaimRules.KEPT);
    assertThat(kept.decidedBy()).isEqualTo("dana@example.com");
    assertThat(kept.decidedVia()).isEqualTo("SLACK");
    assertThat(kept.reason()).isEqualTo("on-call next month");
    assertThat(trail(kept)).containsExactly("RECLAIM_WARNED", "RECLAIM_KEPT");
    assertThatThrownBy(() -> reclaim.keep(dana.itemId(), "dana@example.com", "SLACK", "again", OWNERS, "member", false))
        .isInstanceOf(LedgerRefusal.class).hasMessageStartingWith("not-in-grace").extracting("status").isEqualTo(409);

    clock.advance(Duration.ofDays(8));
    assertThat(reclaim.graceEnded("r1")).isEqualTo(1); // erik only
    assertThat(itemOf("r1", "dana@example.com").state()).isEqualTo(ReclaimRules.KEPT);
  }

  @Test
  void underOwnerConfirmationTheMembersKeepIsARequestThatOnlyAnotherOwnerCompletes() {
    List<String> owners = List.of("olga@example.com", "dana@example.com");
    scan("r1", ENFORCE);
    Item dana = itemOf("r1", "dana@example.com");

    Item asked = reclaim.keep(dana.itemId(), "dana@example.com", "REST", "quarterly dashboards", owners, "owner", false);
    assertThat(asked.state()).isEqualTo(ReclaimRules.KEEP_REQUESTED);
    assertThatThrownBy(() -> reclaim.keep(dana.itemId(), "dana@example.com", "REST", "really", owners, "owner", false))
        .isInstanceOf(LedgerRefusal.class).hasMessageStartingWith("no-self-confirmation").extracting("status").isEqualTo(409);

    Item confirmed = reclaim.keep(dana.itemId(), "olga@example.com", "SLACK", "yes, she owns them", owners, "owner", false);
    assertThat(confirmed.state()).isEqualTo(ReclaimRules.KEPT);
    assertThat(confirmed.reason()).isEqualTo("quarterly dashboards / confirmed by olga@example.com: yes, she owns them");
    assertThat(trail(confirmed)).containsExactly("RECLAIM_WARNED", "RECLAIM_KEEP_REQUESTED", "RECLAIM_KEPT");
  }

  @Test
  void theManagerIsSeenToOnceAndKeepsTheAccessLikeThePersonOnlyWhereThePolicyTellsManagers() {
    Instant longAgo = T0.minus(Duration.ofDays(400));
    clock.set(longAgo);
    list(new DirectoryMember("00u-dana", "dana@example.com", "Dana", "ACTIVE", longAgo, "engineering", "Engineer",
        "Mona@Example.com"), member("erik@example.com", longAgo));
    clock.set(T0);
    scan("r1", ENFORCE);
    Item dana = itemOf("r1", "dana@example.com");
    assertThat(dana.manager()).isEqualTo("Mona@Example.com");
    assertThat(reclaim.untoldManagers("r1", 10)).as("nobody's manager before the person is seen to").isEmpty();
    reclaim.told(dana.itemId());
    reclaim.told(itemOf("r1", "erik@example.com").itemId());
    assertThat(reclaim.untoldManagers("r1", 10)).extracting(Item::login)
        .containsExactly("dana@example.com", "erik@example.com");
    reclaim.managerTold(dana.itemId(), null, "told mona@example.com in chat", "D-mona", "1.1");
    reclaim.managerTold(dana.itemId(), null, "told again", "D-mona", "2.2"); // a retried activity changes nothing
    reclaim.managerTold(itemOf("r1", "erik@example.com").itemId(), "mo@example.com", "told mo in chat", "D-mo",
        "3.3"); // the IdP named one where the inventory had none
    assertThat(itemOf("r1", "erik@example.com").manager()).isEqualTo("mo@example.com");
    assertThat(reclaim.untoldManagers("r1", 10)).isEmpty();
    assertThat(reclaim.item(dana.itemId()).orElseThrow()).extracting(Item::managerNotice, Item::managerTs,
        Item::managerState).containsExactly("told mona@example.com in chat", "1.1", ReclaimRules.WARNED);

    assertThatThrownBy(() -> reclaim.keep(dana.itemId(), "mona@example.com", "SLACK", "she is on the audit", OWNERS,
        "member", false)).isInstanceOf(LedgerRefusal.class).hasMessageStartingWith("not-member-or-owner")
        .extracting("status").isEqualTo(403);
    Item asked = reclaim.keep(dana.itemId(), "mona@example.com", "SLACK", "she is on the audit", OWNERS, "owner", true);
    assertThat(asked.state()).as("under owner confirmation the manager asks, like the person").isEqualTo(
        ReclaimRules.KEEP_REQUESTED);
    assertThat(asked.decidedBy()).isEqualTo("mona@example.com");
    assertThatThrownBy(() -> reclaim.keep(dana.itemId(), "dana@example.com", "REST", "me too", OWNERS, "owner", true))
        .hasMessageStartingWith("no-self-confirmation");
    assertThat(reclaim.staleMessages("r1", 10)).extracting(Item::itemId).containsExactly(dana.itemId());
    reclaim.messageShown(dana.itemId(), ReclaimRules.KEEP_REQUESTED);
    assertThat(reclaim.staleMessages("r1", 10)).isEmpty();
    assertThat(reclaim.keep(dana.itemId(), "olga@example.com", "SLACK", "confirmed", OWNERS, "owner", true).state())
        .isEqualTo(ReclaimRules.KEPT);
  }

  @Test
  void eachOwnerHasOneSummaryPerRunEditedInPlace() {
    scan("r1", ENFORCE);
    reclaim.ownerShown("r1", "Olga@Example.com", "D-olga", "1.1", "scanned:2");
    reclaim.ownerShown("r1", "sam@example.com", null, null, "scanned:2");
    reclaim.ownerShown("r1", "olga@example.com", null, null, "closed:2"); // edited in place: the message stays
    assertThat(reclaim.ownerNotices("r1")).extracting(n -> n.owner() + " " + n.ts() + " " + n.shown())
        .containsExactly("olga@example.com 1.1 closed:2", "sam@example.com null scanned:2");
  }

  @Test
  void aKeepAskedForButNeverConfirmedEndsInRemovalSayingSo() {
    scan("r1", ENFORCE);
    Item erik = itemOf("r1", "erik@example.com");
    reclaim.keep(erik.itemId(), "erik@example.com", "REST", "maybe later", OWNERS, "owner", false);

    clock.advance(Duration.ofDays(7));
    assertThat(reclaim.graceEnded("r1")).isEqualTo(2);
    assertThat(reclaim.item(erik.itemId()).orElseThrow().detail())
        .isEqualTo("keep asked for by erik@example.com, not confirmed by an owner by the end of the grace");
  }

  @Test
  void aSignInDuringTheGraceKeepsTheAccessWithoutAnyoneClicking() {
    scan("r1", ENFORCE);
    clock.advance(Duration.ofDays(2));
    Instant signedIn = clock.instant().minusSeconds(30);
    reclaim.signedIn("grafana", List.of(new SignIn("DANA@example.com", "00u-dana", signedIn)));
    // erik signs in to the IdP (the inventory's next sync sees it): his item was judged by that signal.
    list(member("dana@example.com", T0.minus(Duration.ofDays(400))), member("erik@example.com", signedIn),
        member("olga@example.com", T0.minus(Duration.ofDays(400))));

    List<Item> kept = reclaim.settleSignIns("r1");

    assertThat(kept).extracting(Item::login).containsExactlyInAnyOrder("dana@example.com", "erik@example.com");
    Item dana = itemOf("r1", "dana@example.com");
    assertThat(dana.state()).isEqualTo(ReclaimRules.KEPT);
    assertThat(dana.decidedVia()).isEqualTo("SIGN_IN");
    assertThat(dana.reason()).startsWith("signed in 2026-03-04T08:59:").endsWith(" to the app");
    assertThat(itemOf("r1", "erik@example.com").reason()).endsWith(" to the IdP");
    assertThat(trail(dana)).containsExactly("RECLAIM_WARNED", "RECLAIM_KEPT");
    assertThat(reclaim.settleSignIns("r1")).isEmpty();
    assertThat(reclaim.backlog("r1")).isEqualTo(new ReclaimLedger.Backlog(0, null, 0, null));
  }

  @Test
  void attheGraceEndTheRemovalIsRetriedUntilTheIdpConfirmsItAndThenChained() {
    scan("r1", ENFORCE);
    assertThat(reclaim.graceEnded("r1")).isZero();
    assertThat(reclaim.backlog("r1").nextGraceEnd()).isEqualTo(AuditChain.stored(T0.plus(Duration.ofDays(7))));

    clock.advance(Duration.ofDays(7));
    assertThat(reclaim.graceEnded("r1")).isEqualTo(2);
    List<Item> due = reclaim.dueRemovals("r1", 10);
    assertThat(due).hasSize(2);
    reclaim.removalFailed(due.get(0).itemId(), "Okta answered 503", clock.instant().plusSeconds(60));
    assertThat(reclaim.dueRemovals("r1", 10)).extracting(Item::itemId).containsExactly(due.get(1).itemId());
    reclaim.removed(due.get(1).itemId(), "removed from 00g-admins through the IdP");
    reclaim.removed(due.get(1).itemId(), "twice"); // a retried activity changes nothing

    ReclaimLedger.Backlog backlog = reclaim.backlog("r1");
    assertThat(backlog.removing()).isEqualTo(1);
    assertThat(backlog.nextAttemptAt()).isEqualTo(AuditChain.stored(clock.instant().plusSeconds(60)));
    Item removed = reclaim.item(due.get(1).itemId()).orElseThrow();
    assertThat(removed.state()).isEqualTo(ReclaimRules.REMOVED);
    assertThat(removed.detail()).isEqualTo("no sign-in and no Keep during the grace; removed from 00g-admins through the IdP");
    assertThat(trail(removed)).containsExactly("RECLAIM_WARNED", "RECLAIM_REMOVED");
    Item failed = reclaim.item(due.get(0).itemId()).orElseThrow();
    assertThat(failed.error()).isEqualTo("Okta answered 503");
    assertThat(failed.attempts()).isEqualTo(1);
  }

  @Test
  void theTicketIsToldEachStateOnce() {
    scan("r1", ENFORCE);
    List<Item> fresh = reclaim.unreported("r1", 10);
    assertThat(fresh).hasSize(3);
    reclaim.markReported(fresh);
    assertThat(reclaim.unreported("r1", 10)).isEmpty();
    Item dana = itemOf("r1", "dana@example.com");
    reclaim.keep(dana.itemId(), "dana@example.com", "REST", "need it", OWNERS, "member", false);
    assertThat(reclaim.unreported("r1", 10)).extracting(Item::state).containsExactly(ReclaimRules.KEPT);
  }

  @Test
  void theSignInLogIsReadWindowByWindowAndTheCoverageGrowsOnlyWhenAReadEnds() {
    Instant from = T0.minus(Duration.ofDays(90));
    ReclaimLedger.UsageRead read = reclaim.beginRead("grafana", "0oa-grafana", from, T0);
    assertThat(read.cursor()).isNull();
    assertThat(read.coverage()).isNull();
    reclaim.recordSignIns("grafana", List.of(new SignIn("dana@example.com", "00u-dana", from.plusSeconds(10)),
        new SignIn("dana@example.com", "00u-dana", from.plusSeconds(99)),
        new SignIn("erik@example.com", "00u-erik", from.plusSeconds(5))), "page-2");
    // A read cut off resumes where it stopped.
    assertThat(reclaim.beginRead("grafana", "0oa-grafana", from, T0.plusSeconds(500)).cursor()).isEqualTo("page-2");
    reclaim.recordSignIns("grafana", List.of(new SignIn("dana@example.com", null, from.plusSeconds(50))), null);

    read = reclaim.usageRead("grafana").orElseThrow();
    assertThat(read.coverage()).isEqualTo(new ReclaimRules.Coverage(AuditChain.stored(from), AuditChain.stored(T0)));
    assertThat(read.events()).isEqualTo(4);
    assertThat(read.pages()).isEqualTo(2);
    assertThat(reclaim.lastSignIns("grafana", List.of("dana@example.com", "erik@example.com", "olga@example.com")))
        .isEqualTo(Map.of("dana@example.com", AuditChain.stored(from.plusSeconds(99)), "erik@example.com",
            AuditChain.stored(from.plusSeconds(5))));

    // The next read starts where the coverage ends; a new IdP app id starts over.
    assertThat(reclaim.beginRead("grafana", "0oa-grafana", from, T0.plusSeconds(3600)).windowFrom())
        .isEqualTo(AuditChain.stored(T0));
    reclaim.recordSignIns("grafana", List.of(), null);
    // Unread for longer than the IdP keeps its log: the coverage starts over, the sign-ins read stay.
    Instant later = T0.plus(Duration.ofDays(200));
    ReclaimLedger.UsageRead gap = reclaim.beginRead("grafana", "0oa-grafana", later.minus(Duration.ofDays(90)), later);
    assertThat(gap.coverage()).isNull();
    assertThat(gap.windowFrom()).isEqualTo(AuditChain.stored(later.minus(Duration.ofDays(90))));
    reclaim.recordSignIns("grafana", List.of(), null);
    assertThat(reclaim.usageRead("grafana").orElseThrow().coverage()).isEqualTo(new ReclaimRules.Coverage(
        AuditChain.stored(later.minus(Duration.ofDays(90))), AuditChain.stored(later)));
    assertThat(reclaim.lastSignIns("grafana", List.of("dana@example.com"))).hasSize(1);
    ReclaimLedger.UsageRead fresh = reclaim.beginRead("grafana", "0oa-other", from, T0.plusSeconds(3600));
    assertThat(fresh.coverage()).isNull();
    assertThat(reclaim.lastSignIns("grafana", List.of("dana@example.com"))).isEmpty();
  }

  @Test
  void aRunNeverStartedIsForgottenButOneWithItemsIsNot() {
    reclaim.createRun(new ReclaimLedger.Run("r0", "grafana", "olga@example.com", "rest", T0, null, null, null));
    assertThat(reclaim.createRun(new ReclaimLedger.Run("r0", "grafana", "x", "rest", T0, null, null, null))).isFalse();
    reclaim.forget("r0");
    assertThat(reclaim.run("r0")).isEmpty();
    scan("r1", ENFORCE);
    reclaim.forget("r1");
    assertThat(reclaim.run("r1")).isPresent();
    assertThat(reclaim.lastRun("grafana")).contains(AuditChain.stored(T0));
  }

  private boolean chainIntact() throws java.io.IOException {
    var out = new java.io.ByteArrayOutputStream();
    new AuditExport(database.dataSource()).write(new AuditExport.Filter(null, null, null, null, null),
        AuditExport.Format.named("jsonl"), out);
    return new AuditVerifier().verify(new java.io.StringReader(out.toString(java.nio.charset.StandardCharsets.UTF_8)),
        false).ok();
  }
}
