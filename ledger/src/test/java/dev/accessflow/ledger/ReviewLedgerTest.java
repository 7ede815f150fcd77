package dev.accessflow.ledger;

import static dev.accessflow.ledger.LedgerFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.ledger.ReviewLedger.Campaign;
import dev.accessflow.ledger.ReviewLedger.Candidate;
import dev.accessflow.ledger.ReviewLedger.Item;
import dev.accessflow.ledger.ReviewLedger.NewItem;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.testing.MovableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Access reviews on a real (embedded) PostgreSQL: items opened from the inventory, decisions once, rulings, revocations. */
class ReviewLedgerTest {
  private static final InventoryGroup ADMINS = new InventoryGroup("00g-admins", "grafana", "admin", "report", 86_400);
  private static final InventoryGroup EDITORS = new InventoryGroup("00g-editors", "grafana", "admin", "report", 86_400);
  private static final InventoryGroup VIEWERS = new InventoryGroup("00g-viewers", "grafana", "viewer", "report", 86_400);
  private static final InventoryGroup WIKI = new InventoryGroup("00g-wiki", "wiki", "reader", "report", 86_400);

  private static LedgerDatabase database;
  private final MovableClock clock = new MovableClock(T0);
  private InventoryLedger inventory;
  private ReviewLedger reviews;
  private final ReviewRecommendations rules = new ReviewRecommendations(Duration.ofDays(90));

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
    reviews = new ReviewLedger(database.jdbi(), clock);
  }

  private static DirectoryMember member(String login, String status, Instant lastLogin, String department) {
    return new DirectoryMember("00u-" + login.substring(0, login.indexOf('@')), login, login, status, lastLogin,
        department, "Engineer", "maria@example.com");
  }

  private void list(InventoryGroup group, DirectoryMember... members) {
    inventory.syncStarted("sync-" + clock.instant(), "test", 1);
    inventory.recordPage("sync-" + clock.instant(), group, List.of(members), clock.instant(),
        InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup("sync-" + clock.instant(), group);
  }

  private Campaign campaign(String id, List<String> apps, List<String> roles, String unreviewed) {
    Campaign c = new Campaign(id, "Q1 grafana", apps, roles, "owners", unreviewed, List.of("olga@example.com"),
        "olga@example.com", "rest", clock.instant(), clock.instant().plus(Duration.ofDays(14)), ReviewLedger.OPENING,
        0, null, null, null, null);
    assertThat(reviews.create(c)).isTrue();
    return c;
  }

  /** Opens every item of the campaign, {@code pageSize} at a time, with the owners (here: owen) as reviewers. */
  private int open(String reviewId, int pageSize) {
    int opened = 0;
    while (true) {
      List<Candidate> page = reviews.candidates(reviewId, pageSize);
      if (page.isEmpty()) {
        reviews.opened(reviewId);
        return opened;
      }
      List<NewItem> items = new ArrayList<>();
      for (Candidate c : page) {
        items.add(new NewItem(c, rules.recommend(c.facts(), clock.instant()),
            c.login().equals("owen@example.com") ? List.of("olga@example.com") : List.of("owen@example.com"), null));
      }
      opened += reviews.addItems(reviewId, items, ReviewLedger.cursorAfter(page.get(page.size() - 1)));
    }
  }

  private Item only(String reviewId, String login) {
    return reviews.items(reviewId, new ReviewLedger.ItemFilter(null, null), 0, 1_000).stream()
        .filter(i -> i.login().equals(login)).findFirst().orElseThrow();
  }

  private void seed() {
    Instant recent = T0.minus(Duration.ofDays(3));
    list(ADMINS, member("ana@example.com", "ACTIVE", recent, "Engineering"),
        member("ben@example.com", "SUSPENDED", recent, "Engineering"),
        member("cleo@example.com", "ACTIVE", T0.minus(Duration.ofDays(134)), "Engineering"),
        member("dev@example.com", "ACTIVE", recent, "Engineering"),
        member("owen@example.com", "ACTIVE", recent, "Engineering"));
    list(EDITORS, member("ana@example.com", "ACTIVE", recent, "Engineering"));
    list(VIEWERS, member("eve@example.com", "ACTIVE", recent, "Sales"));
    list(WIKI, member("ana@example.com", "ACTIVE", recent, "Engineering"));
    clock.advance(Duration.ofDays(1));
    // dev moved to Sales after the membership began.
    list(ADMINS, member("ana@example.com", "ACTIVE", recent, "Engineering"),
        member("ben@example.com", "SUSPENDED", recent, "Engineering"),
        member("cleo@example.com", "ACTIVE", T0.minus(Duration.ofDays(134)), "Engineering"),
        member("dev@example.com", "ACTIVE", recent, "Sales"),
        member("owen@example.com", "ACTIVE", recent, "Engineering"));
  }

  @Test
  void opensOneItemPerPersonPerRoleInScopeWithTheGroupsAndARecommendationThatSaysWhy() {
    seed();
    campaign("rv-1", List.of(), List.of("grafana/admin"), "keep");
    assertThat(open("rv-1", 2)).isEqualTo(5);
    // Opening again (a retried page) opens nothing twice.
    assertThat(reviews.candidates("rv-1", 10)).isEmpty();
    assertThat(reviews.campaign("rv-1").orElseThrow().items()).isEqualTo(5);
    assertThat(reviews.campaign("rv-1").orElseThrow().state()).isEqualTo(ReviewLedger.OPEN);

    Item ana = only("rv-1", "ana@example.com");
    assertThat(ana.groups()).containsExactly("00g-admins", "00g-editors");
    assertThat(ana.recommendation()).isEqualTo("keep");
    assertThat(ana.recommendationReason()).isEqualTo("signed in 4 days ago");
    assertThat(only("rv-1", "ben@example.com").recommendationReason()).isEqualTo("account suspended in the IdP");
    assertThat(only("rv-1", "cleo@example.com").recommendationReason()).isEqualTo("no sign-in for 135 days");
    assertThat(only("rv-1", "dev@example.com").recommendationReason())
        .isEqualTo("moved from Engineering to Sales since the membership began");
    assertThat(only("rv-1", "dev@example.com").recommendedBy()).isEqualTo("moved-department");
    assertThat(ana.source()).isEqualTo("standing");
    assertThat(reviews.counts("rv-1").recommendedRevoke()).isEqualTo(3);
  }

  @Test
  void aScopeOfAppsTakesEveryRoleOfThemAndNothingElse() {
    seed();
    campaign("rv-2", List.of("grafana"), List.of(), "keep");
    assertThat(open("rv-2", 100)).isEqualTo(6);
    assertThat(reviews.items("rv-2", new ReviewLedger.ItemFilter(null, null), 0, 100))
        .extracting(Item::app).containsOnly("grafana");
  }

  @Test
  void aDecisionIsTakenOnceAndEveryRefusalSaysWhy() throws Exception {
    seed();
    campaign("rv-3", List.of(), List.of("grafana/admin"), "keep");
    open("rv-3", 100);
    long cleo = only("rv-3", "cleo@example.com").itemId();
    long owen = only("rv-3", "owen@example.com").itemId();

    Item decided = reviews.decide("rv-3", cleo, "revoke", "Owen@example.com", "SLACK", "left the team");
    assertThat(decided.decision()).isEqualTo("revoke");
    assertThat(decided.decidedBy()).isEqualTo("owen@example.com");
    assertThat(decided.revocationState()).isEqualTo("pending");

    assertThatThrownBy(() -> reviews.decide("rv-3", cleo, "keep", "owen@example.com", "REST", null))
        .isInstanceOf(LedgerRefusal.class)
        .hasMessageContaining("already-decided").hasMessageContaining("revoke by owen@example.com via SLACK")
        .satisfies(e -> assertThat(((LedgerRefusal) e).status()).isEqualTo(409));
    assertThatThrownBy(() -> reviews.decide("rv-3", owen, "keep", "owen@example.com", "REST", null))
        .hasMessageStartingWith("no-self-certification: owen@example.com cannot review their own access")
        .satisfies(e -> assertThat(((LedgerRefusal) e).status()).isEqualTo(403));
    assertThatThrownBy(() -> reviews.decide("rv-3", owen, "keep", "mallory@example.com", "REST", null))
        .hasMessageStartingWith("not-a-reviewer: mallory@example.com is not a reviewer of item " + owen)
        .hasMessageContaining("its reviewers: olga@example.com");
    assertThatThrownBy(() -> reviews.decide("rv-3", 999_999, "keep", "owen@example.com", "REST", null))
        .satisfies(e -> assertThat(((LedgerRefusal) e).status()).isEqualTo(404));
    assertThat(reviews.item("rv-3", cleo).orElseThrow().decision()).isEqualTo("revoke");
    // On the hash chain, once.
    assertThat(chainRows(ReviewLedger.trail("rv-3", cleo))).isEqualTo(1);
    assertThat(chainIntact()).isTrue();
  }

  @Test
  void keepAllRecommendedKeepsOnlyTheRecommendedKeepsOfThatReviewerAndNeverTheirOwn() {
    seed();
    campaign("rv-4", List.of(), List.of("grafana/admin"), "keep");
    open("rv-4", 100);
    List<Item> kept = reviews.keepRecommended("rv-4", "owen@example.com", "SLACK");
    assertThat(kept).extracting(Item::login).containsExactly("ana@example.com");
    assertThat(reviews.counts("rv-4").pending()).isEqualTo(4);
    assertThat(reviews.keepRecommended("rv-4", "owen@example.com", "SLACK")).isEmpty();
  }

  @Test
  void theUnreviewedRuleRulesWhatNobodyDecidedAndDecisionsStopThere() {
    seed();
    campaign("rv-5", List.of(), List.of("grafana/admin"), "revoke");
    open("rv-5", 100);
    long ana = only("rv-5", "ana@example.com").itemId();
    reviews.decide("rv-5", ana, "keep", "owen@example.com", "REST", null);

    String outcome = reviews.closeUnreviewed("rv-5", "revoke");
    assertThat(outcome).isEqualTo("4 items were not reviewed by the due date and are revoked (unreviewed: revoke)");
    assertThat(reviews.campaign("rv-5").orElseThrow().outcome()).isEqualTo(outcome);
    assertThat(reviews.counts("rv-5").unreviewedRevoked()).isEqualTo(4);
    assertThat(reviews.revocationBacklog("rv-5").pending()).isEqualTo(4);
    assertThat(reviews.item("rv-5", ana).orElseThrow().revocationState()).isNull();
    long ben = only("rv-5", "ben@example.com").itemId();
    assertThatThrownBy(() -> reviews.decide("rv-5", ben, "keep", "owen@example.com", "REST", null))
        .hasMessage("review rv-5 is closing and takes no more decisions");
    // Ruling twice changes nothing.
    assertThat(reviews.closeUnreviewed("rv-5", "revoke")).isEqualTo(outcome);
    assertThat(reviews.revocationBacklog("rv-5").pending()).isEqualTo(4);
  }

  @Test
  void escalationHandsPendingItemsToTheEscalationReviewersButNeverTheirOwn() {
    seed();
    campaign("rv-6", List.of(), List.of("grafana/admin"), "escalate");
    open("rv-6", 100);
    Instant newDue = clock.instant().plus(Duration.ofDays(3));
    assertThat(reviews.escalate("rv-6", newDue)).isEqualTo(5);
    Campaign c = reviews.campaign("rv-6").orElseThrow();
    assertThat(c.state()).isEqualTo(ReviewLedger.ESCALATED);
    assertThat(c.dueAt()).isEqualTo(newDue);
    assertThat(only("rv-6", "ana@example.com").reviewers()).containsExactly("olga@example.com");
    // olga is the escalation reviewer; she is not in scope, so every item is hers now.
    assertThat(reviews.reviewersWithPending("rv-6", null, 10)).containsExactly("olga@example.com");
    assertThat(reviews.escalate("rv-6", newDue.plusSeconds(1))).isZero();
    String outcome = reviews.closeUnreviewed("rv-6", "keep");
    assertThat(outcome).contains("after escalation to olga@example.com and are kept");
  }

  @Test
  void aRevocationIsRetriedUntilDoneThenRecordedOnceAndReportedOnce() {
    seed();
    campaign("rv-7", List.of(), List.of("grafana/admin"), "keep");
    open("rv-7", 100);
    long cleo = only("rv-7", "cleo@example.com").itemId();
    reviews.decide("rv-7", cleo, "revoke", "owen@example.com", "REST", "unused");
    assertThat(reviews.dueRevocations("rv-7", 10)).extracting(Item::itemId).containsExactly(cleo);

    reviews.revocationFailed(cleo, "Okta answered 503", clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(reviews.dueRevocations("rv-7", 10)).isEmpty();
    assertThat(reviews.revocationBacklog("rv-7").nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
    clock.advance(Duration.ofMinutes(1));
    assertThat(reviews.dueRevocations("rv-7", 10)).hasSize(1);
    reviews.revoked("rv-7", cleo, "removed from 00g-admins");
    reviews.revoked("rv-7", cleo, "removed from 00g-admins");
    Item done = reviews.item("rv-7", cleo).orElseThrow();
    assertThat(done.revocationState()).isEqualTo("done");
    assertThat(done.revocationAttempts()).isEqualTo(2);
    assertThat(done.revokedAt()).isEqualTo(clock.instant());
    assertThat(chainRows(ReviewLedger.trail("rv-7", cleo))).isEqualTo(2);

    List<Item> unreported = reviews.unreported("rv-7", 10);
    assertThat(unreported).extracting(Item::itemId).containsExactly(cleo);
    reviews.markReported(unreported);
    assertThat(reviews.unreported("rv-7", 10)).isEmpty();
  }

  private boolean chainIntact() throws java.io.IOException {
    var out = new java.io.ByteArrayOutputStream();
    new AuditExport(database.dataSource()).write(new AuditExport.Filter(null, null, null, null, null),
        AuditExport.Format.named("jsonl"), out);
    return new AuditVerifier().verify(new java.io.StringReader(out.toString(java.nio.charset.StandardCharsets.UTF_8)),
        false).ok();
  }

  private int chainRows(String trail) {
    return database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM audit_log WHERE request_id = :t")
        .bind("t", trail).mapTo(Integer.class).one());
  }
}
