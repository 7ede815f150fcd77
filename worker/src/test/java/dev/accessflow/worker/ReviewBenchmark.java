package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.okta.sdk.resource.client.ApiClient;
import dev.accessflow.activities.local.LogOnlyTickets;
import dev.accessflow.activities.local.NoChat;
import dev.accessflow.activities.okta.OktaConfig;
import dev.accessflow.activities.okta.OktaDirectory;
import dev.accessflow.api.ReviewDecisions;
import dev.accessflow.api.ReviewGateway;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.ledger.DriftFindings;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.InventoryQueries;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.ledger.ReviewRecommendations;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.inventory.InventoryWorkflow;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.InventoryRun;
import dev.accessflow.workflows.model.ReviewRun;
import dev.accessflow.workflows.ports.ReviewMessages;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A review campaign of 10,000 items (5 roles of 2,000 members each, synced into the inventory from a
 * stub Okta with the 600-a-minute limit of InventoryBenchmark's stub), 2,000 of them revoked one
 * click at a time through the REST path's ReviewDecisions, each revocation a DELETE to the stub
 * Okta through the real Okta adapter. Prints the time to open, IdP calls, the longest workflow
 * history and largest payload, and the time to carry out the 2,000 revocations; run with
 * {@code mvn -B -o test -pl worker -am -Dtest=ReviewBenchmark -Dsurefire.excludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class ReviewBenchmark {
  static final int ROLES = 5;
  static final int MEMBERS = 2_000;
  static final int REVOKES = 2_000;

  @Test
  void aCampaignOfTenThousandItemsOpensAndCarriesOutTwoThousandRevocations() throws Exception {
    StringBuilder yaml = new StringBuilder("apps:\n  bench:\n    name: Bench\n    owners: [o@bench.example]\n    roles:\n");
    for (int g = 0; g < ROLES; g++) {
      yaml.append("      r").append(g).append(":\n        groups: [00gbench").append(g)
          .append("]\n        risk: medium\n        durations: [PT1H]\n        maxDuration: PT1H\n");
    }
    Catalog catalog = CatalogFile.parse(Path.of("bench-catalog.yml"), yaml.toString());
    try (InventoryBenchmark.Stub okta = new InventoryBenchmark.Stub(MEMBERS);
         LedgerDatabase db = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests())) {
      TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
      OktaConfig config = OktaConfig.withApiToken("https://bench.okta.example", "00BENCHtoken-not-a-secret");
      ApiClient client = OktaDirectory.buildApiClient(config);
      client.setBasePath("http://127.0.0.1:" + okta.port());
      OktaDirectory directory = new OktaDirectory(client, config, Clock.systemUTC());
      InventoryLedger inventory = new InventoryLedger(db.jdbi(), Clock.systemUTC());
      ReviewLedger reviews = new ReviewLedger(db.jdbi(), Clock.systemUTC());
      AtomicInteger messages = new AtomicInteger();
      ReviewMessages chat = (digest, existing) -> {
        messages.incrementAndGet();
        return existing != null ? existing : new ChatMessageRef(digest.reviewer(), "D1", "1.0");
      };
      Worker worker = env.newWorker("bench");
      worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
      worker.registerActivitiesImplementations(
          new CatalogInventory(catalog, Duration.ofDays(1), 200, directory, inventory, InventoryLedger.LeaseLookup.NONE,
              Clock.systemUTC()),
          new DriftResponse(new DriftFindings(db.jdbi(), Clock.systemUTC()), inventory, directory, new NoChat(),
              new LogOnlyTickets(), InventoryLedger.LeaseLookup.NONE, directory::removeMember, Clock.systemUTC()),
          new ReviewCampaigns(reviews, catalog, new ReviewRecommendations(Duration.ofDays(90)), directory, chat,
              new LogOnlyTickets(), inventory, InventoryLedger.LeaseLookup.NONE, (request, revocation) -> {
                throw new IllegalStateException("no grants in this bench");
              }, directory::removeMember, directory, Clock.systemUTC()));
      env.start();

      // The inventory first: what a campaign reviews.
      WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(InventoryWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId(AccessflowTemporal.INVENTORY_WORKFLOW_ID).setTaskQueue("bench").build())::run, InventoryRun.first());
      InventoryQueries queries = new InventoryQueries(db.jdbi());
      long syncStarted = System.nanoTime();
      while (queries.lastSync().map(s -> s.finishedAt() == null).orElse(true)) {
        Thread.sleep(200);
        assertThat(Duration.ofNanos(System.nanoTime() - syncStarted)).isLessThan(Duration.ofMinutes(5));
      }
      int syncCalls = okta.calls.get();

      ReviewGateway gateway = new ReviewGateway(env.getWorkflowClient(), "bench", reviews);
      Instant now = Instant.now();
      long openStarted = System.nanoTime();
      gateway.start(new ReviewLedger.Campaign("bench-q4", "Bench Q4", List.of("bench"), List.of(), "owners", "keep",
          List.of("o@bench.example"), "bench", "rest", now, now.plus(Duration.ofDays(14)), ReviewLedger.OPENING, 0, null,
          null, null, null), ReviewRun.start("bench-q4", now.plus(Duration.ofDays(14)), Duration.ofDays(3), "keep",
          Duration.ofDays(3)));
      while (!reviews.campaign("bench-q4").orElseThrow().deciding()) {
        Thread.sleep(50);
        assertThat(Duration.ofNanos(System.nanoTime() - openStarted)).isLessThan(Duration.ofMinutes(5));
      }
      Duration open = Duration.ofNanos(System.nanoTime() - openStarted);
      int openCalls = okta.calls.get() - syncCalls;
      assertThat(reviews.counts("bench-q4").items()).isEqualTo(ROLES * MEMBERS);

      ReviewDecisions decisions = new ReviewDecisions(reviews, gateway);
      List<ReviewLedger.Item> items = reviews.items("bench-q4", new ReviewLedger.ItemFilter(null, "pending"), 0, REVOKES);
      long revokeStarted = System.nanoTime();
      for (ReviewLedger.Item item : items) {
        decisions.decide("bench-q4", item.itemId(), "revoke", "bench: not needed", "o@bench.example", Channel.REST);
      }
      Duration clicking = Duration.ofNanos(System.nanoTime() - revokeStarted);
      while (reviews.counts("bench-q4").revocationsDone() < REVOKES) {
        Thread.sleep(200);
        assertThat(Duration.ofNanos(System.nanoTime() - revokeStarted)).isLessThan(Duration.ofMinutes(15));
      }
      Duration revoked = Duration.ofNanos(System.nanoTime() - revokeStarted);
      int kept = decisions.keepRecommended("bench-q4", "o@bench.example", Channel.REST).size();
      while (!"closed".equals(reviews.campaign("bench-q4").orElseThrow().state())) {
        Thread.sleep(200);
        assertThat(Duration.ofNanos(System.nanoTime() - revokeStarted)).isLessThan(Duration.ofMinutes(20));
      }

      long largestPayload = 0;
      int longestRun = 0;
      int runs = 0;
      String workflowId = AccessflowTemporal.reviewWorkflowId("bench-q4");
      // Walk from the first run: each run's last event names the next.
      String runId = firstRunId(env, workflowId);
      while (runId != null && !runId.isEmpty()) {
        var history = env.getWorkflowClient().fetchHistory(workflowId, runId).getHistory();
        runs++;
        longestRun = Math.max(longestRun, history.getEventsCount());
        String next = null;
        for (HistoryEvent e : history.getEventsList()) {
          largestPayload = Math.max(largestPayload, InventoryBenchmark.payloadBytes(e));
          if (e.hasWorkflowExecutionContinuedAsNewEventAttributes()) {
            next = e.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
          }
        }
        runId = next;
      }
      System.out.printf("review benchmark: %d items (%d roles x %d members), opened in %.1f s with %d IdP calls"
          + " (the inventory's sync before it: %d calls)%n", ROLES * MEMBERS, ROLES, MEMBERS, open.toMillis() / 1000.0,
          openCalls, syncCalls);
      System.out.printf("  %d revoke decisions recorded in %.1f s; all %d revocations confirmed by the IdP %.1f s after the"
          + " first click (%d Okta removals, %d 429s)%n", REVOKES, clicking.toMillis() / 1000.0, REVOKES,
          revoked.toMillis() / 1000.0, okta.removals.get(), okta.throttled.get());
      System.out.printf("  then %d kept in one bulk decision; closed. Campaign workflow: %d runs, longest %d events,"
          + " largest payload %d bytes; %d reviewer message posts/edits%n", kept, runs, longestRun, largestPayload,
          messages.get());
      assertThat(okta.removals.get()).isEqualTo(REVOKES);
      assertThat(longestRun).isLessThan(10_000);
      assertThat(largestPayload).isLessThan(64 * 1024);
      env.close();
    }
  }

  static String firstRunId(TestWorkflowEnvironment env, String workflowId) {
    var closed = env.getWorkflowServiceStubs().blockingStub().listClosedWorkflowExecutions(
        io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest.newBuilder()
            .setNamespace(env.getNamespace()).setMaximumPageSize(1_000)
            .setExecutionFilter(io.temporal.api.filter.v1.WorkflowExecutionFilter.newBuilder().setWorkflowId(workflowId))
            .build());
    return closed.getExecutionsList().stream()
        .min(java.util.Comparator.comparing(e -> e.getStartTime().getSeconds() * 1_000_000_000L + e.getStartTime().getNanos()))
        .map(e -> e.getExecution().getRunId()).orElse(null);
  }
}
