package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.ledger.DriftFindings;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.DriftSweep;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.ports.IdentityProvider;
import dev.accessflow.workflows.testing.MovableClock;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingTickets;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a sweep does about findings, over a real (embedded) ledger: report once, remove when due, retry, never a granted one. */
class DriftResponseTest {
  private static final InventoryGroup REMOVE = new InventoryGroup("grafana-admins", "grafana", "admin", "remove", 3_600);
  @RegisterExtension
  static final EmbeddedLedger database = new EmbeddedLedger();
  private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T10:00:00Z"));
  private final RecordingChat chat = new RecordingChat();
  private final RecordingTickets tickets = new RecordingTickets();
  private final List<Membership> removals = new CopyOnWriteArrayList<>();
  private final AtomicInteger idpFailures = new AtomicInteger();
  private InventoryLedger inventory;
  private DriftFindings findings;
  private String leaseHolder;
  /** A request that takes the lease after the sweep's checks, before its removal. */
  private String heldBy;
  private DriftResponse drift;

  @BeforeEach
  void empty() {
    database.jdbi().useHandle(h -> h.execute("TRUNCATE memberships, inventory_groups, drift_findings, inventory_events,"
        + " inventory_syncs, grants, decisions, requests CASCADE"));
    inventory = new InventoryLedger(database.jdbi(), clock);
    findings = new DriftFindings(database.jdbi(), clock);
    IdentityProvider idp = new IdentityProvider() {
      @Override
      public IdpUser resolveUser(String login) {
        return new IdpUser(login, "00u-" + login, login, null, null, null);
      }

      @Override
      public void addMember(Membership membership) {
        throw new AssertionError("a sweep never adds anyone");
      }

      @Override
      public boolean isMember(Membership membership) {
        return true;
      }

      @Override
      public String removeMember(Membership membership) {
        if (idpFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw ApplicationFailure.newFailure("Okta failed: HTTP 503", "IdpUnavailable");
        }
        removals.add(membership);
        return null;
      }
    };
    drift = new DriftResponse(findings, inventory, idp, chat, tickets, (group, login) -> leaseHolder, m -> {
      if (heldBy != null) {
        throw ApplicationFailure.newNonRetryableFailure("request(s) " + heldBy + " hold this membership; it is not removed",
            dev.accessflow.workflows.AccessflowTemporal.MEMBERSHIP_HELD);
      }
      return idp.removeMember(m);
    }, clock);
  }

  private void syncWith(String syncId, String... logins) {
    inventory.syncStarted(syncId, "test", 1);
    inventory.recordPage(syncId, REMOVE, java.util.Arrays.stream(logins).map(l -> new DirectoryMember("00u-" + l, l, l,
        "ACTIVE", null, null, null, null)).toList(), clock.instant(), InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup(syncId, REMOVE);
  }

  @Test
  void aFindingIsReportedOnceToTheChannelAndOneTicketAndRemovedWhenItsGraceEnds() {
    syncWith("s1");
    clock.advance(Duration.ofMinutes(15));
    syncWith("s2", "bob@example.com");

    DriftSweep first = drift.sweep(500);
    DriftSweep again = drift.sweep(500);

    assertThat(first.reported()).isEqualTo(1);
    assertThat(again.reported()).isZero();
    assertThat(chat.alerts()).singleElement().satisfies(a -> assertThat(a).contains("bob@example.com")
        .contains("grafana-admins").contains("Policy remove").contains("Ticket ACC-drift-"));
    assertThat(tickets.driftTickets()).singleElement().satisfies(t -> assertThat(t)
        .contains("Access drift: bob@example.com in group grafana-admins with no grant (out-of-band)"));
    assertThat(first.removed()).isZero();
    assertThat(first.nextRemovalAt()).isEqualTo(clock.instant().plusSeconds(3_600));
    assertThat(removals).isEmpty();

    clock.advance(Duration.ofSeconds(3_601));
    DriftSweep due = drift.sweep(500);

    assertThat(due.removed()).isEqualTo(1);
    assertThat(removals).singleElement().satisfies(m -> {
      assertThat(m.login()).isEqualTo("bob@example.com");
      assertThat(m.userId()).isEqualTo("00u-bob@example.com");
      assertThat(m.groupId()).isEqualTo("grafana-admins");
    });
    DriftFindings.Finding done = findings.list(new DriftFindings.Filter(false, null, null, null, null, null), null, 5)
        .get(0);
    assertThat(done.state()).isEqualTo("removed");
    assertThat(done.resolvedBy()).isEqualTo("policy");
    assertThat(done.resolution()).contains("after the grace of the remove policy");
    assertThat(due.nextRemovalAt()).isNull();
    assertThat(drift.sweep(500).removed()).isZero(); // removed once
  }

  @Test
  void aRemovalTheIdpRefusesForNowIsTriedAgainAMinuteLaterWithTheErrorOnTheFinding() {
    syncWith("s1");
    syncWith("s2", "bob@example.com");
    clock.advance(Duration.ofHours(2));
    idpFailures.set(1);

    DriftSweep failed = drift.sweep(500);

    assertThat(failed.removed()).isZero();
    DriftFindings.Finding open = findings.list(new DriftFindings.Filter(true, null, null, null, null, null), null, 5).get(0);
    assertThat(open.removalError()).contains("HTTP 503");
    assertThat(failed.nextRemovalAt()).isEqualTo(clock.instant().plus(DriftResponse.RETRY_REMOVAL));
    clock.advance(DriftResponse.RETRY_REMOVAL);
    assertThat(drift.sweep(500).removed()).isEqualTo(1);
    assertThat(removals).hasSize(1);
  }

  @Test
  void aMembershipARequestIsBeingGrantedWhenItsRemovalFallsDueIsLeftAndLookedAtAgainLater() {
    syncWith("s1");
    syncWith("s2", "bob@example.com");
    clock.advance(Duration.ofHours(2));
    leaseHolder = "REQ-42";

    DriftSweep swept = drift.sweep(500);

    assertThat(swept.removed()).isZero();
    assertThat(removals).isEmpty();
    DriftFindings.Finding open = findings.list(new DriftFindings.Filter(true, null, null, null, null, null), null, 5)
        .get(0);
    assertThat(open.removalError()).contains("REQ-42 is being granted");
    assertThat(swept.nextRemovalAt()).isEqualTo(clock.instant().plus(DriftResponse.RETRY_REMOVAL));
  }

  @Test
  void aGrantThatTakesTheLeaseAtTheLastMomentWinsAndTheRemovalWaits() {
    syncWith("s1");
    syncWith("s2", "bob@example.com");
    clock.advance(Duration.ofHours(2));
    heldBy = "REQ-43";

    DriftSweep swept = drift.sweep(500);

    assertThat(swept.removed()).isZero();
    assertThat(removals).isEmpty();
    DriftFindings.Finding open = findings.list(new DriftFindings.Filter(true, null, null, null, null, null), null, 5)
        .get(0);
    assertThat(open.removalError()).contains("REQ-43 hold this membership");
    assertThat(swept.nextRemovalAt()).isEqualTo(clock.instant().plus(DriftResponse.RETRY_REMOVAL));
  }

  @Test
  void manyFindingsOfOneGroupAreOneLineAndOneTicket() {
    syncWith("s1", "a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com");

    drift.sweep(500);

    assertThat(chat.alerts()).singleElement().satisfies(a -> assertThat(a).contains("5 memberships of group grafana-admins"));
    assertThat(tickets.driftTickets()).singleElement().satisfies(t -> assertThat(t).contains("5 memberships")
        .contains("a@example.com").contains("e@example.com"));
  }
}
