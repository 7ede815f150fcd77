package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.okta.sdk.resource.client.ApiClient;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.accessflow.activities.local.NoChat;
import dev.accessflow.activities.okta.OktaConfig;
import dev.accessflow.activities.okta.OktaDirectory;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.ledger.DriftFindings;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.InventoryQueries;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.inventory.InventoryWorkflow;
import dev.accessflow.workflows.model.InventoryRun;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.common.v1.Payloads;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The first sync of 50 catalog groups of 2,000 members each through a stub Okta that enforces a
 * per-minute rate limit on the group-members endpoint (600 a minute, Okta's documented limit for
 * the groups endpoints of most orgs) with Okta's X-Rate-Limit headers, and answers 429 beyond it.
 * The real workflow, activities, Okta SDK adapter and ledger (embedded PostgreSQL) do the work.
 * Prints IdP calls, 429s, duration, rows, peak heap and the largest workflow payload; run with
 * {@code mvn -B -o test -pl worker -am -Dtest=InventoryBenchmark -Dsurefire.excludedGroups=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class InventoryBenchmark {
  static final int GROUPS = 50;
  static final int MEMBERS = 2_000;
  static final int LIMIT_PER_MINUTE = 600;

  @Test
  void syncsFiftyGroupsOfTwoThousandWithinOktasRateLimit() throws Exception {
    StringBuilder catalog = new StringBuilder("apps:\n  bench:\n    name: Bench\n    owners: [o@bench.example]\n    roles:\n");
    for (int g = 0; g < GROUPS; g++) {
      catalog.append("      r").append(g).append(":\n        groups: [00gbench").append(g)
          .append("]\n        risk: medium\n        durations: [PT1H]\n        maxDuration: PT1H\n");
    }
    Catalog parsed = CatalogFile.parse(Path.of("bench-catalog.yml"), catalog.toString());

    try (Stub okta = new Stub(); LedgerDatabase db = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests())) {
      TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
      OktaConfig config = OktaConfig.withApiToken("https://bench.okta.example", "00BENCHtoken-not-a-secret");
      ApiClient client = OktaDirectory.buildApiClient(config);
      client.setBasePath("http://127.0.0.1:" + okta.port());
      OktaDirectory directory = new OktaDirectory(client, config, Clock.systemUTC());
      InventoryLedger ledger = new InventoryLedger(db.jdbi(), Clock.systemUTC());
      Worker worker = env.newWorker("bench");
      worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
      worker.registerActivitiesImplementations(
          new CatalogInventory(parsed, Duration.ofHours(1), 200, directory, ledger, InventoryLedger.LeaseLookup.NONE,
              Clock.systemUTC()),
          new DriftResponse(new DriftFindings(db.jdbi(), Clock.systemUTC()), ledger, directory, new NoChat(),
              new dev.accessflow.activities.local.LogOnlyTickets(),
              InventoryLedger.LeaseLookup.NONE, directory::removeMember, Clock.systemUTC()));
      env.start();
      var memory = ManagementFactory.getMemoryMXBean();
      AtomicLong peakHeap = new AtomicLong();
      var sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
          0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);

      long started = System.nanoTime();
      InventoryWorkflow workflow = env.getWorkflowClient().newWorkflowStub(InventoryWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(AccessflowTemporal.INVENTORY_WORKFLOW_ID).setTaskQueue("bench").build());
      String firstRun = WorkflowClient.start(workflow::run, InventoryRun.first()).getRunId();
      InventoryQueries queries = new InventoryQueries(db.jdbi());
      while (queries.lastSync().map(s -> s.finishedAt() == null).orElse(true)) {
        Thread.sleep(250);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMinutes(10));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      sampler.shutdownNow();

      var sync = queries.lastSync().orElseThrow();
      int members = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM memberships WHERE present")
          .mapTo(Integer.class).one());
      int findings = db.jdbi().withHandle(h -> h.createQuery("SELECT count(*) FROM drift_findings")
          .mapTo(Integer.class).one());
      // Every run of the workflow so far: the largest payload any event carried, and the longest history.
      long largestPayload = 0;
      int longestRun = 0;
      int runs = 0;
      String runId = firstRun;
      while (runId != null && !runId.isEmpty()) {
        var history = env.getWorkflowClient().fetchHistory(AccessflowTemporal.INVENTORY_WORKFLOW_ID, runId).getHistory();
        runs++;
        longestRun = Math.max(longestRun, history.getEventsCount());
        String next = null;
        for (HistoryEvent e : history.getEventsList()) {
          largestPayload = Math.max(largestPayload, payloadBytes(e));
          if (e.hasWorkflowExecutionContinuedAsNewEventAttributes()) {
            next = e.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId();
          }
        }
        runId = next;
      }
      System.out.printf("inventory benchmark: %d groups x %d members, first sync in %.1f s%n", GROUPS, MEMBERS,
          took.toMillis() / 1000.0);
      System.out.printf("  IdP calls %d (%d member pages, %d group reads), 429s %d, busiest minute %d calls (limit %d)%n",
          okta.calls.get(), okta.pages.get(), okta.groupReads.get(), okta.throttled.get(), okta.busiestMinute(),
          LIMIT_PER_MINUTE);
      System.out.printf("  ledger: %d memberships present, %d findings (first sync: all standing), sync %s: %d pages%n",
          members, findings, sync.syncId(), sync.pages());
      System.out.printf("  workflow: %d runs, longest %d events, largest payload %d bytes; peak heap %d MB%n",
          runs, longestRun, largestPayload, peakHeap.get() / (1024 * 1024));
      assertThat(members).isEqualTo(GROUPS * MEMBERS);
      assertThat(okta.busiestMinute()).isLessThanOrEqualTo(LIMIT_PER_MINUTE);
      // One page of 200 members is about 60 KB of JSON; the workflow carries cursors and counts only.
      assertThat(largestPayload).isLessThan(16 * 1024);
      env.close();
    }
  }

  static long payloadBytes(HistoryEvent e) {
    long largest = 0;
    for (Payloads p : new Payloads[] {
        e.hasActivityTaskScheduledEventAttributes() ? e.getActivityTaskScheduledEventAttributes().getInput() : null,
        e.hasActivityTaskCompletedEventAttributes() ? e.getActivityTaskCompletedEventAttributes().getResult() : null,
        e.hasWorkflowExecutionStartedEventAttributes() ? e.getWorkflowExecutionStartedEventAttributes().getInput() : null,
        e.hasWorkflowExecutionContinuedAsNewEventAttributes()
            ? e.getWorkflowExecutionContinuedAsNewEventAttributes().getInput() : null}) {
      if (p != null) {
        largest = Math.max(largest, p.getSerializedSize());
      }
    }
    return largest;
  }

  /** Okta's group endpoints, paged by Link, with a fixed per-minute window and Okta's headers. */
  static final class Stub implements AutoCloseable {
    private static final Pattern USERS = Pattern.compile("/api/v1/groups/00gbench(\\d+)/users");
    private static final Pattern GROUP = Pattern.compile("/api/v1/groups/00gbench(\\d+)");
    private static final Pattern MEMBER = Pattern.compile("/api/v1/groups/00gbench(\\d+)/users/([A-Za-z0-9]+)");
    /** Members per group this stub lists. */
    final int members;
    final AtomicInteger removals = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger pages = new AtomicInteger();
    final AtomicInteger groupReads = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();
    private final Map<Long, AtomicInteger> perMinute = new ConcurrentHashMap<>();
    private final HttpServer server;

    Stub() throws IOException {
      this(MEMBERS);
    }

    Stub(int members) throws IOException {
      this.members = members;
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(Executors.newFixedThreadPool(8));
      server.createContext("/", this::handle);
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    int busiestMinute() {
      return perMinute.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
      calls.incrementAndGet();
      long now = System.currentTimeMillis() / 1000;
      long minute = now / 60;
      int used = perMinute.computeIfAbsent(minute, m -> new AtomicInteger()).incrementAndGet();
      var headers = exchange.getResponseHeaders();
      headers.add("X-Rate-Limit-Limit", Integer.toString(LIMIT_PER_MINUTE));
      headers.add("X-Rate-Limit-Remaining", Integer.toString(Math.max(0, LIMIT_PER_MINUTE - used)));
      headers.add("X-Rate-Limit-Reset", Long.toString((minute + 1) * 60));
      headers.add("Content-Type", "application/json");
      if (used > LIMIT_PER_MINUTE) {
        throttled.incrementAndGet();
        perMinute.get(minute).decrementAndGet(); // a refused call is not served
        send(exchange, 429, "{\"errorCode\":\"E0000047\",\"errorSummary\":\"API call exceeded rate limit due to too many"
            + " requests.\",\"errorLink\":\"E0000047\",\"errorId\":\"bench\",\"errorCauses\":[]}");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/api/v1/logs")) {
        logs(exchange);
        return;
      }
      Matcher member = MEMBER.matcher(path);
      if ("DELETE".equals(exchange.getRequestMethod()) && member.matches()) {
        removals.incrementAndGet(); // Okta's removal of a group member: 204, no body
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
        return;
      }
      Matcher users = USERS.matcher(path);
      Matcher group = GROUP.matcher(path);
      if (users.matches()) {
        pages.incrementAndGet();
        int g = Integer.parseInt(users.group(1));
        String query = exchange.getRequestURI().getRawQuery();
        int after = -1;
        int limit = 200;
        for (String pair : query == null ? new String[0] : query.split("&")) {
          if (pair.startsWith("after=")) {
            after = Integer.parseInt(pair.substring(6).replace("00ub" + g + "x", ""));
          } else if (pair.startsWith("limit=")) {
            limit = Integer.parseInt(pair.substring(6));
          }
        }
        int from = after + 1;
        int to = Math.min(members, from + limit);
        StringBuilder body = new StringBuilder("[");
        for (int i = from; i < to; i++) {
          body.append(i == from ? "" : ",").append("{\"id\":\"00ub").append(g).append('x').append(i)
              .append("\",\"status\":\"ACTIVE\",\"created\":\"2025-01-01T00:00:00.000Z\",\"lastLogin\":\"2026-11-2")
              .append(i % 10).append("T09:30:00.000Z\",\"profile\":{\"login\":\"u").append(i)
              .append("@bench.example\",\"email\":\"u").append(i).append("@bench.example\",\"firstName\":\"U\",")
              .append("\"lastName\":\"").append(i).append("\",\"department\":\"Engineering\",\"title\":\"Engineer\",")
              .append("\"managerId\":\"boss@bench.example\"}}");
        }
        body.append(']');
        if (to < members) {
          headers.add("Link", "<http://127.0.0.1:" + port() + path + "?after=00ub" + g + "x" + (to - 1) + "&limit="
              + limit + ">; rel=\"next\"");
        }
        send(exchange, 200, body.toString());
      } else if (group.matches()) {
        groupReads.incrementAndGet();
        send(exchange, 200, "{\"id\":\"00gbench" + group.group(1) + "\",\"type\":\"OKTA_GROUP\",\"created\":"
            + "\"2025-01-01T00:00:00.000Z\",\"objectClass\":[\"okta:user_group\"],\"profile\":{\"name\":\"bench-"
            + group.group(1) + "\",\"description\":\"x\"}}");
      } else {
        send(exchange, 404, "{\"errorCode\":\"E0000007\",\"errorSummary\":\"Not found\",\"errorLink\":\"E0000007\","
            + "\"errorId\":\"x\",\"errorCauses\":[]}");
      }
    }

    /** Who signed in to the app lately (reclaim's signal): u{i} for i % 4 != 3, a second ago; a thousand a page. */
    final AtomicInteger logPages = new AtomicInteger();

    private void logs(HttpExchange exchange) throws IOException {
      logPages.incrementAndGet();
      int after = 0;
      String query = exchange.getRequestURI().getRawQuery();
      for (String pair : query == null ? new String[0] : query.split("&")) {
        if (pair.startsWith("after=")) {
          after = Integer.parseInt(pair.substring(6));
        }
      }
      String at = java.time.Instant.now().minusSeconds(1).toString();
      StringBuilder body = new StringBuilder("[");
      int i = after;
      int sent = 0;
      for (; i < members && sent < 1_000; i++) {
        if (i % 4 == 3) {
          continue;
        }
        body.append(sent++ == 0 ? "" : ",").append("{\"uuid\":\"e").append(i)
            .append("\",\"eventType\":\"user.authentication.sso\",\"published\":\"").append(at)
            .append("\",\"outcome\":{\"result\":\"SUCCESS\"},\"actor\":{\"id\":\"00u").append(i)
            .append("\",\"type\":\"User\",\"alternateId\":\"u").append(i).append("@bench.example\"}}");
      }
      body.append(']');
      if (i < members) {
        exchange.getResponseHeaders().add("Link", "<http://127.0.0.1:" + port() + "/api/v1/logs?after=" + i
            + "&limit=1000>; rel=\"next\"");
      }
      send(exchange, 200, body.toString());
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
