package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.ledger.ReviewRecommendations;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.ReviewPass;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.IdentityProvider;
import dev.accessflow.workflows.ports.ReviewMessages;
import dev.accessflow.workflows.testing.MovableClock;
import dev.accessflow.workflows.testing.RecordingTickets;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The review activities over a real (embedded) ledger: who reviews each item, a revocation through
 * an IdP outage and through an active grant, and the record written to the ticket once.
 */
class ReviewCampaignsTest {
  private static final InventoryGroup ADMINS = new InventoryGroup("grafana-admins", "grafana", "admin", "report", 0);
  private static final Catalog CATALOG = CatalogFile.load(Path.of("../config/catalog.yml"));
  @RegisterExtension
  static final EmbeddedLedger database = new EmbeddedLedger();
  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final RecordingTickets tickets = new RecordingTickets();
  private final List<Membership> removals = new CopyOnWriteArrayList<>();
  private final List<String> revokedRequests = new CopyOnWriteArrayList<>();
  private final AtomicInteger idpFailures = new AtomicInteger();
  private final AtomicInteger held = new AtomicInteger();
  private ReviewLedger reviews;
  private InventoryLedger inventory;
  private ReviewCampaigns campaigns;

  @BeforeEach
  void empty() {
    database.jdbi().useHandle(h -> h.execute("TRUNCATE review_messages, review_items, reviews, memberships,"
        + " inventory_groups, drift_findings, grants, decisions, requests CASCADE"));
    reviews = new ReviewLedger(database.jdbi(), clock);
    inventory = new InventoryLedger(database.jdbi(), clock);
    IdentityProvider idp = new IdentityProvider() {
      @Override
      public IdpUser resolveUser(String login) {
        return new IdpUser(login, "00u-" + login, login, null, null, null);
      }

      @Override
      public void addMember(Membership membership) {
        throw new AssertionError("a review never adds anyone");
      }

      @Override
      public boolean isMember(Membership membership) {
        return true;
      }

      @Override
      public String removeMember(Membership membership) {
        return null;
      }
    };
    GroupDirectory reviewerGroup = new GroupDirectory() {
      @Override
      public Optional<String> groupName(String groupId) {
        return Optional.of(groupId);
      }

      @Override
      public Page members(String groupId, String cursor, int limit) {
        return new Page(List.of(member("sam@example.com", null), member("ed@example.com", null)), null);
      }
    };
    campaigns = new ReviewCampaigns(reviews, CATALOG, new ReviewRecommendations(Duration.ofDays(90)), reviewerGroup,
        ReviewMessages.NONE, tickets, inventory, InventoryLedger.LeaseLookup.NONE,
        (String request, Revocation revocation) -> revokedRequests.add(request + " by " + revocation.actor()), m -> {
          if (idpFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw ApplicationFailure.newFailure("Okta failed: HTTP 503", AccessflowTemporal.IDP_UNAVAILABLE);
          }
          if (held.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw ApplicationFailure.newNonRetryableFailure("request REQ-1 holds this membership",
                AccessflowTemporal.MEMBERSHIP_HELD);
          }
          removals.add(m);
          return null;
        }, idp, clock);
  }

  private static DirectoryMember member(String login, String manager) {
    return new DirectoryMember("00u-" + login, login, login, "ACTIVE", null, "engineering", null, manager);
  }

  private void inventory(DirectoryMember... members) {
    inventory.recordPage("s1", ADMINS, List.of(members), clock.instant(), InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup("s1", ADMINS);
  }

  private String campaign(String rule) {
    String id = "rv-" + rule.replace(":", "-");
    reviews.create(new ReviewLedger.Campaign(id, "Grafana admins", List.of(), List.of("grafana/admin"), rule, "keep",
        List.of("sam@example.com"), "sam@example.com", "rest", clock.instant(), clock.instant().plus(Duration.ofDays(14)),
        ReviewLedger.OPENING, 0, null, null, null, null));
    assertThat(campaigns.openTicket(id)).isEqualTo("REV-" + id);
    while (campaigns.openPage(id, 500) > 0) {
      // every page
    }
    campaigns.opened(id);
    return id;
  }

  private ReviewLedger.Item item(String id, String login) {
    return reviews.items(id, new ReviewLedger.ItemFilter(null, null), 0, 100).stream()
        .filter(i -> i.login().equals(login)).findFirst().orElseThrow();
  }

  @Test
  void eachRuleChoosesTheReviewersAndNeverTheMember() {
    // maria's manager is given as an Okta user id, which the inventory knows as dana's.
    inventory(member("maria@example.com", "00u-dana@example.com"), member("dana@example.com", null),
        member("omar@example.com", null), member("ed@example.com", "maria@example.com"));

    String byManager = campaign("manager");
    assertThat(item(byManager, "maria@example.com").reviewers()).containsExactly("dana@example.com");
    assertThat(item(byManager, "ed@example.com").reviewers()).containsExactly("maria@example.com");
    assertThat(item(byManager, "dana@example.com").reviewers()).containsExactly("omar@example.com");
    // omar owns grafana: his own item goes to the escalation reviewers.
    assertThat(item(byManager, "omar@example.com").reviewers()).containsExactly("sam@example.com");
    assertThat(item(byManager, "omar@example.com").reviewersNote()).startsWith("no-self-certification");

    String byGroup = campaign("group:00g-security");
    assertThat(item(byGroup, "dana@example.com").reviewers()).containsExactly("sam@example.com", "ed@example.com");
    assertThat(item(byGroup, "ed@example.com").reviewers()).containsExactly("sam@example.com");

    String byPeople = campaign("people:ed@example.com");
    assertThat(item(byPeople, "ed@example.com").reviewers()).containsExactly("sam@example.com");
    assertThat(tickets.reviewTicket(byPeople).get(0)).contains("Access review: Grafana admins (grafana/admin)")
        .contains("Reviewers: people:ed@example.com (never the member themselves)");
  }

  @Test
  void aRevocationDuringAnIdpOutageIsTriedAgainAMinuteLaterUntilTheIdpConfirmsIt() {
    inventory(member("ed@example.com", null));
    String id = campaign("owners");
    long ed = item(id, "ed@example.com").itemId();
    reviews.decide(id, ed, "revoke", "omar@example.com", "SLACK", "left the team");
    idpFailures.set(2);

    ReviewPass outage = campaigns.revoke(id, 25);
    assertThat(outage.failed()).isEqualTo(1);
    assertThat(outage.pending()).isEqualTo(1);
    assertThat(outage.nextAttemptAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
    assertThat(item(id, "ed@example.com").revocationError()).isEqualTo("Okta failed: HTTP 503");
    assertThat(campaigns.revoke(id, 25).failed()).isZero(); // not due again yet: nothing tried
    clock.advance(Duration.ofMinutes(1));
    assertThat(campaigns.revoke(id, 25).failed()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(1));
    ReviewPass done = campaigns.revoke(id, 25);

    assertThat(done.revoked()).isEqualTo(1);
    assertThat(done.pending()).isZero();
    assertThat(removals).singleElement().satisfies(m -> {
      assertThat(m.groupId()).isEqualTo("grafana-admins");
      assertThat(m.userId()).isEqualTo("00u-ed@example.com");
    });
    ReviewLedger.Item revoked = item(id, "ed@example.com");
    assertThat(revoked.revocationState()).isEqualTo("done");
    assertThat(revoked.revocationAttempts()).isEqualTo(3);
    assertThat(revoked.revocationDetail()).isEqualTo("removed from grafana-admins through the IdP");
    int present = database.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM memberships WHERE present")
        .mapTo(Integer.class).one());
    assertThat(present).isZero();

    // The record goes to the campaign's ticket once.
    assertThat(campaigns.report(id, 1, 50)).isEqualTo(1);
    assertThat(campaigns.report(id, 2, 50)).isZero();
    assertThat(tickets.reviewTicket(id)).anySatisfy(c -> assertThat(c).startsWith("#1 ")
        .contains("ed@example.com · grafana/admin (grafana-admins)")
        .contains("REVOKE by omar@example.com via SLACK at 2026-12-02T10:00:00Z: \"left the team\"")
        .contains("revoked at 2026-12-02T10:02:00Z (removed from grafana-admins through the IdP)"));
  }

  @Test
  void anActiveGrantIsRevokedFirstAndTheRemovalWaitsWhileItsRequestStillHoldsTheMembership() {
    database.jdbi().useHandle(h -> {
      h.execute("INSERT INTO requests (request_id, requester, app, role, groups, route, status, submitted_at, revision,"
          + " request, state, updated_at) VALUES ('REQ-1', 'ed@example.com', 'grafana', 'admin', ARRAY['grafana-admins'],"
          + " '[]', 'ACTIVE', now(), 1, '{}', '{}', now())");
      h.execute("INSERT INTO grants (request_id, group_id, idp, requester, idp_user_id, app, role, granted_at,"
          + " expires_at, standing) VALUES ('REQ-1', 'grafana-admins', 'sandbox', 'ed@example.com', '00u-ed@example.com',"
          + " 'grafana', 'admin', now(), now() + interval '1 day', false)");
    });
    inventory(member("ed@example.com", null));
    String id = campaign("owners");
    assertThat(item(id, "ed@example.com").source()).isEqualTo("grant");
    long ed = item(id, "ed@example.com").itemId();
    reviews.decide(id, ed, "revoke", "omar@example.com", "REST", "not needed");
    held.set(1);

    ReviewPass first = campaigns.revoke(id, 25);
    assertThat(revokedRequests).containsExactly("REQ-1 by omar@example.com");
    assertThat(first.failed()).isEqualTo(1);
    assertThat(item(id, "ed@example.com").revocationError()).contains("REQ-1 holds this membership");
    clock.advance(Duration.ofMinutes(1));
    assertThat(campaigns.revoke(id, 25).revoked()).isEqualTo(1);
    assertThat(item(id, "ed@example.com").revocationDetail()).contains("request REQ-1 revoked")
        .contains("removed from grafana-admins");
  }

  @Test
  void aGrantApprovedAfterTheReviewOpenedIsNotOverruledByItsRevoke() {
    inventory(member("ed@example.com", null));
    String id = campaign("owners");
    long ed = item(id, "ed@example.com").itemId();
    reviews.decide(id, ed, "revoke", "omar@example.com", "REST", "unused");
    // Ed asks again and is approved before the revocation runs (an IdP outage, say).
    database.jdbi().useHandle(h -> {
      h.execute("INSERT INTO requests (request_id, requester, app, role, groups, route, status, submitted_at, revision,"
          + " request, state, updated_at) VALUES ('REQ-2', 'ed@example.com', 'grafana', 'admin', ARRAY['grafana-admins'],"
          + " '[]', 'ACTIVE', now(), 1, '{}', '{}', now())");
      h.execute("INSERT INTO grants (request_id, group_id, idp, requester, idp_user_id, app, role, granted_at,"
          + " expires_at, standing) VALUES ('REQ-2', 'grafana-admins', 'sandbox', 'ed@example.com', '00u-ed@example.com',"
          + " 'grafana', 'admin', now(), now() + interval '1 day', true)");
    });

    assertThat(campaigns.revoke(id, 25).revoked()).isEqualTo(1);
    assertThat(revokedRequests).isEmpty();
    assertThat(removals).isEmpty();
    assertThat(item(id, "ed@example.com").revocationDetail())
        .startsWith("left in grafana-admins: request REQ-2 granted it after the review opened");
  }
}
