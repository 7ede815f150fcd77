package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.okta.sdk.resource.client.ApiClient;
import dev.accessflow.activities.local.LogOnlyTickets;
import dev.accessflow.activities.local.NoChat;
import dev.accessflow.activities.okta.OktaConfig;
import dev.accessflow.activities.okta.OktaDirectory;
import dev.accessflow.api.ReclaimGateway;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.ledger.DriftFindings;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.InventoryQueries;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.inventory.InventoryWorkflow;
import dev.accessflow.workflows.model.InventoryRun;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A reclaim scan of 20,000 memberships (10 roles of 2,000 people, synced into the inventory from a
 * stub Okta with a 600-a-minute limit) in dry-run, the usage signal read from the stub's System
 * Log (1,500 people signed in to the app, 500 not). The threshold is a minute, so the bench waits
 * that long after the sync. Prints the scan's duration, its IdP calls and the longest workflow
 * history; run with {@code mvn -B -o test -pl worker -am -Dtest=ReclaimBenchmark
 * -Dsurefire.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class ReclaimBenchmark {
  static final int ROLES = 10;
  static final int MEMBERS = 2_000;

  @Test
  void aDryRunScanOfTwentyThousandMembershipsJudgesEachOnceWithTheAppsSignIns() throws Exception {
    StringBuilder yaml = new StringBuilder("apps:\n  bench:\n    name: Bench\n    owners: [o@bench.example]\n"
        + "    reclaim: {inactiveAfter: PT1M, mode: dry-run, idpApp: 0oaBENCH, notify: [owners]}\n    roles:\n");
    for (int g = 0; g < ROLES; g++) {
      yaml.append("      r").append(g).append(":\n        groups: [00gbench").append(g)
          .append("]\n        risk: medium\n        durations: [PT1H]\n        maxDuration: PT1H\n");
    }
    Catalog catalog = CatalogFile.parse(Path.of("bench-catalog.yml"), yaml.toString());
    try (InventoryBenchmark.Stub okta = new InventoryBenchmark.Stub(MEMBERS);
         LedgerDatabase db = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests())) {
      TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
      RecordingReclaimChat chat = new RecordingReclaimChat();
      OktaConfig config = OktaConfig.withApiToken("https://bench.okta.example", "00BENCHtoken-not-a-secret");
      ApiClient client = OktaDirectory.buildApiClient(config);
      client.setBasePath("http://127.0.0.1:" + okta.port());
      OktaDirectory directory = new OktaDirectory(client, config, Clock.systemUTC());
      InventoryLedger inventory = new InventoryLedger(db.jdbi(), Clock.systemUTC());
      ReclaimLedger ledger = new ReclaimLedger(db.jdbi(), Clock.systemUTC());
      Worker worker = env.newWorker("bench");
      worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
      worker.registerActivitiesImplementations(
          new CatalogInventory(catalog, Duration.ofDays(1), 200, directory, inventory, InventoryLedger.LeaseLookup.NONE,
              Clock.systemUTC()),
          new DriftResponse(new DriftFindings(db.jdbi(), Clock.systemUTC()), inventory, directory, new NoChat(),
              new LogOnlyTickets(), InventoryLedger.LeaseLookup.NONE, directory::removeMember, Clock.systemUTC()),
          new ReclaimRuns(ledger, catalog, directory, directory, directory, chat, new LogOnlyTickets(),
              new AccessRemoval(inventory, InventoryLedger.LeaseLookup.NONE, (request, revocation) -> {
                throw new IllegalStateException("a dry-run removes nothing");
              }, directory::removeMember, directory), Clock.systemUTC()));
      env.start();

      WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(InventoryWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId(AccessflowTemporal.INVENTORY_WORKFLOW_ID).setTaskQueue("bench").build())::run, InventoryRun.first());
      InventoryQueries queries = new InventoryQueries(db.jdbi());
      long syncStarted = System.nanoTime();
      while (queries.lastSync().map(s -> s.finishedAt() == null).orElse(true)) {
        Thread.sleep(200);
        assertThat(Duration.ofNanos(System.nanoTime() - syncStarted)).isLessThan(Duration.ofMinutes(5));
      }
      Thread.sleep(Duration.ofSeconds(62).toMillis()); // every membership is older than the threshold now
      int before = okta.calls.get();
      int logPagesBefore = okta.logPages.get();

      Instant now = Instant.now();
      String runId = ReclaimGateway.runId("bench", now);
      long scanStarted = System.nanoTime();
      new ReclaimGateway(env.getWorkflowClient(), "bench", ledger).start(new ReclaimLedger.Run(runId, "bench", "bench",
          "rest", now, ReclaimLedger.SCANNING, null, null));
      while (!ReclaimLedger.CLOSED.equals(ledger.run(runId).orElseThrow().state())) {
        Thread.sleep(100);
        assertThat(Duration.ofNanos(System.nanoTime() - scanStarted)).isLessThan(Duration.ofMinutes(10));
      }
      Duration scan = Duration.ofNanos(System.nanoTime() - scanStarted);
      int calls = okta.calls.get() - before;
      ReclaimLedger.Counts counts = ledger.counts(runId);

      long largestPayload = 0;
      int longestRun = 0;
      int runs = 0;
      String workflowId = AccessflowTemporal.reclaimWorkflowId(runId);
      String run = ReviewBenchmark.firstRunId(env, workflowId);
      while (run != null && !run.isEmpty()) {
        var history = env.getWorkflowClient().fetchHistory(workflowId, run).getHistory();
        runs++;
        longestRun = Math.max(longestRun, history.getEventsCount());
        String next = null;
        for (HistoryEvent e : history.getEventsList()) {
          largestPayload = Math.max(largestPayload, InventoryBenchmark.payloadBytes(e));
          if (e.hasWorkflowExecutionContinuedAsNewEventAttributes()) {
            next = e.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
          }
        }
        run = next;
      }
      System.out.printf("reclaim benchmark: %d memberships (%d roles x %d people) judged in %.1f s (dry-run), %d IdP"
          + " calls (%d System Log pages), %d would be reclaimed; workflow: %d runs, longest %d events, largest payload"
          + " %d bytes%n", ROLES * MEMBERS, ROLES, MEMBERS, scan.toMillis() / 1000.0, calls,
          okta.logPages.get() - logPagesBefore, counts.wouldReclaim(), runs, longestRun, largestPayload);
      System.out.printf("reclaim benchmark: the owner was shown the run in %d chat calls (%s)%n", chat.told.size(),
          String.join("; ", chat.told));
      assertThat(chat.told).as("one summary posted, edited once at the close").hasSize(2);
      assertThat(chat.warnings).as("dry-run tells nobody else").isEmpty();
      assertThat(counts.wouldReclaim()).isEqualTo(ROLES * MEMBERS / 4);
      assertThat(okta.removals.get()).isZero();
      assertThat(longestRun).isLessThan(10_000);
      assertThat(largestPayload).isLessThan(64 * 1024);
      env.close();
    }
  }
}
