package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.accessflow.activities.sandbox.SandboxDirectory;
import dev.accessflow.activities.sandbox.SandboxDirectory.SandboxUser;
import dev.accessflow.api.ReclaimGateway;
import dev.accessflow.api.ReclaimKeeps;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.ledger.ReclaimRules;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.testing.Await;
import dev.accessflow.workflows.testing.MovableClock;
import dev.accessflow.workflows.testing.RecordingTickets;
import dev.accessflow.workflows.testing.ServerClock;
import io.temporal.api.enums.v1.EventType;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole reclaim run on the time-skipping test server with the real activities, the embedded
 * ledger and the sandbox IdP: the threshold finds the unused, the exempt are left alone, a sign-in
 * and a Keep with a reason each end a grace (the timer cut short), the manager and the owner are
 * told, and at the grace's end the rest is removed from the IdP group. Seven days pass in seconds.
 */
class ReclaimTimeSkippedTest {
  private static final String QUEUE = "reclaim-time-skipped";
  private static final InventoryGroup ADMINS = new InventoryGroup("grafana-admins", "grafana", "admin", "report", 0);
  @RegisterExtension
  static final EmbeddedLedger database = new EmbeddedLedger();
  private TestWorkflowEnvironment env;

  @AfterEach
  void close() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void theUnusedAreWarnedASignInAndAKeepEndTheirGracesTheExemptAreLeftAndTheRestIsRemovedAtTheGracesEnd()
      throws Exception {
    env = TestWorkflowEnvironment.newInstance();
    // The activities' clock is the test server's, so a grace stored in the ledger ends when the workflow wakes.
    Clock clock = new ServerClock(env);
    Instant now = clock.instant();
    SandboxDirectory idp = new SandboxDirectory(List.of(new SandboxUser("ada@example.com", "Ada", null, "eng"),
        new SandboxUser("ben@example.com", "Ben", null, "eng"), new SandboxUser("cy@example.com", "Cy", null, "eng"),
        new SandboxUser("sam@example.com", "Sam", null, "sec"), new SandboxUser("mo@example.com", "Mo", null, "eng"),
        new SandboxUser("omar@example.com", "Omar", null, "eng")), List.of("grafana-admins"));
    database.jdbi().useHandle(h -> h.execute("TRUNCATE reclaim_items, reclaim_runs, app_sign_ins, app_usage_reads,"
        + " memberships, inventory_groups, drift_findings, grants, decisions, requests CASCADE"));
    // Four people in the group since four months ago; Okta last saw them 100 days ago.
    Instant joined = now.minus(Duration.ofDays(120));
    List<DirectoryMember> members = List.of("ada", "ben", "cy", "sam").stream().map(n -> new DirectoryMember(
        "sandbox-" + n + "@example.com", n + "@example.com", n, "ACTIVE", now.minus(Duration.ofDays(100)), "eng", null,
        "mo@example.com")).toList();
    members.forEach(m -> idp.changeOutOfBand("grafana-admins", m.login(), true));
    InventoryLedger inventory = new InventoryLedger(database.jdbi(), new MovableClock(joined));
    inventory.recordPage("s1", ADMINS, members, joined, InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup("s1", ADMINS);
    idp.signIn("ada@example.com", "0oaGRAFANA", now.minus(Duration.ofDays(95))); // before the threshold

    Catalog catalog = ReclaimRunsTest.catalog("{inactiveAfter: P90D, grace: P7D, mode: enforce, idpApp: 0oaGRAFANA,"
        + " exempt: [sam@example.com], notify: [manager, owners]}");
    ReclaimLedger ledger = new ReclaimLedger(database.jdbi(), clock);
    RecordingReclaimChat chat = new RecordingReclaimChat();
    RecordingTickets tickets = new RecordingTickets();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(new ReclaimRuns(ledger, catalog, idp, idp, idp, chat, tickets,
        new AccessRemoval(new InventoryLedger(database.jdbi(), clock), InventoryLedger.LeaseLookup.NONE,
            (request, revocation) -> { }, idp::removeMember, idp), clock));
    env.start();
    ReclaimGateway runs = new ReclaimGateway(env.getWorkflowClient(), QUEUE, ledger);
    String runId = ReclaimGateway.runId("grafana", now);
    assertThat(runs.start(new ReclaimLedger.Run(runId, "grafana", "omar@example.com", "rest", now,
        ReclaimLedger.SCANNING, null, null))).isTrue();

    Await.until("the owner's summary", () -> chat.told.stream().anyMatch(t -> t.startsWith("owner")));
    assertThat(ledger.items(new ReclaimLedger.ItemFilter(null, null, runId, null), 0, 10))
        .extracting(ReclaimLedger.Item::login, ReclaimLedger.Item::state, ReclaimLedger.Item::signal)
        .containsExactly(tuple("ada@example.com", ReclaimRules.WARNED, ReclaimRules.APP_SIGN_IN),
            tuple("ben@example.com", ReclaimRules.WARNED, ReclaimRules.APP_SIGN_IN),
            tuple("cy@example.com", ReclaimRules.WARNED, ReclaimRules.APP_SIGN_IN),
            tuple("sam@example.com", ReclaimRules.EXEMPT, ReclaimRules.APP_SIGN_IN));
    assertThat(chat.warnings).extracting(w -> w.login())
        .containsExactly("ada@example.com", "ben@example.com", "cy@example.com");
    assertThat(chat.told).containsExactly("manager mo@example.com: warned of ada@example.com",
        "manager mo@example.com: warned of ben@example.com", "manager mo@example.com: warned of cy@example.com",
        "owner omar@example.com posted: 4 found, 3 warned, 0 asked, 0 kept, 0 removed, 0 would");

    // Day 2: Ben signs in to Grafana; the hook records it and nudges the run, which keeps his access at once.
    env.sleep(Duration.ofDays(2));
    idp.signIn("ben@example.com", "0oaGRAFANA", clock.instant());
    runs.nudge(runId);
    Await.until("ben kept", () -> itemState(ledger, runId, "ben@example.com").equals(ReclaimRules.KEPT));
    // Day 3: Cy's manager keeps Cy's with a reason; the nudge ends that grace too.
    env.sleep(Duration.ofDays(1));
    ReclaimLedger.Item cy = ledger.items(new ReclaimLedger.ItemFilter(null, null, runId, "cy@example.com"), 0, 1).get(0);
    new ReclaimKeeps(catalog, ledger, runs).keep(cy.itemId(), "mo@example.com", "Cy runs the Q4 audit", Channel.SLACK);
    Await.until("cy's warning settled", () -> chat.settled.stream().anyMatch(s -> s.contains("Cy runs the Q4 audit")));
    assertThat(idp.memberships().get("grafana-admins")).contains("ada@example.com");

    // Day 7: nobody used Ada's or kept it: she is out of the group, and the run closes.
    env.sleep(Duration.ofDays(4).plusMinutes(1));
    Await.until("the run closed", () -> ReclaimLedger.CLOSED.equals(ledger.run(runId).orElseThrow().state()));
    assertThat(ledger.items(new ReclaimLedger.ItemFilter(null, null, runId, null), 0, 10))
        .extracting(ReclaimLedger.Item::login, ReclaimLedger.Item::state, ReclaimLedger.Item::decidedVia)
        .containsExactly(tuple("ada@example.com", ReclaimRules.REMOVED, null),
            tuple("ben@example.com", ReclaimRules.KEPT, "SIGN_IN"),
            tuple("cy@example.com", ReclaimRules.KEPT, "SLACK"),
            tuple("sam@example.com", ReclaimRules.EXEMPT, null));
    assertThat(idp.memberships().get("grafana-admins")).doesNotContain("ada@example.com");
    assertThat(idp.memberships().get("grafana-admins")).contains("sam@example.com");
    assertThat(chat.told.get(chat.told.size() - 1))
        .isEqualTo("owner omar@example.com edited o-1: 4 found, 0 warned, 0 asked, 2 kept, 1 removed, 0 would, closed");
    assertThat(String.join("\n", tickets.reclaimTicket(runId))).contains("KEPT by mo@example.com via SLACK")
        .contains("Reclaim closed: 4 findings; 1 removed (confirmed by the IdP), 2 kept");
    // The grace's timer was cut short by each nudge, never waited out to the end for the kept.
    var history = env.getWorkflowClient().fetchHistory(AccessflowTemporal.reclaimWorkflowId(runId)).getHistory();
    assertThat(history.getEventsList().stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_CANCELED))
        .hasSizeGreaterThanOrEqualTo(2);
  }

  private static String itemState(ReclaimLedger ledger, String runId, String login) {
    return ledger.items(new ReclaimLedger.ItemFilter(null, null, runId, login), 0, 1).get(0).state();
  }
}
