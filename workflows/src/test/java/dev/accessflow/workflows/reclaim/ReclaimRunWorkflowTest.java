package dev.accessflow.workflows.reclaim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ReclaimPass;
import dev.accessflow.workflows.model.ReclaimRun;
import dev.accessflow.workflows.ports.ReclaimWork;
import dev.accessflow.workflows.testing.Histories;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reclaim run on the time-skipping test server, its activities played by an in-memory ledger. */
class ReclaimRunWorkflowTest {
  private static final String QUEUE = "reclaim-test";
  private static final String RUN = "grafana-20261203T1200";
  private static final Duration GRACE = Duration.ofDays(7);

  private TestWorkflowEnvironment env;
  private FakeReclaim reclaim;
  private String firstRunId;

  private void start(int members, boolean dryRun, int scanPage) {
    env = TestWorkflowEnvironment.newInstance();
    reclaim = new FakeReclaim(members, dryRun, scanPage, env);
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(reclaim);
    env.start();
    firstRunId = WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(ReclaimRunWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(AccessflowTemporal.reclaimWorkflowId(RUN)).setTaskQueue(QUEUE)
            .build())::run, ReclaimRun.start(RUN, "grafana")).getRunId();
  }

  private ReclaimRunWorkflow running() {
    return env.getWorkflowClient().newWorkflowStub(ReclaimRunWorkflow.class, AccessflowTemporal.reclaimWorkflowId(RUN));
  }

  private void finished() {
    WorkflowStub.fromTyped(running()).getResult(Void.class);
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void warnsTheUnusedKeepsWhoSignsInAndRemovesTheRestWhenTheGraceEnds() {
    start(6, false, 500);
    await(() -> reclaim.told.size() == 3);
    assertThat(reclaim.told).containsExactly(2, 4, 6);
    assertThat(reclaim.logPages).hasValue(3); // the whole log before the first judgement
    assertThat(reclaim.ticketOpened).hasValue(1);

    // Day 2: member 4 signs in to the app; an event hook records it and nudges the run.
    env.sleep(Duration.ofDays(2));
    reclaim.signedIn.add(4);
    running().nudged();
    await(() -> "kept".equals(reclaim.items.get(4)));
    assertThat(reclaim.removedAt).isEmpty();

    env.sleep(GRACE);
    finished();
    assertThat(reclaim.items).containsEntry(2, "removed").containsEntry(4, "kept").containsEntry(6, "removed");
    // Removed at the grace's end, not a pass later.
    for (Instant at : reclaim.removedAt.values()) {
      assertThat(at).isBetween(reclaim.startedAt.plus(GRACE), reclaim.startedAt.plus(GRACE).plusSeconds(5));
    }
    // The log was read again before the removals: a sign-in on the last day would have counted.
    assertThat(reclaim.readsBeforeFirstRemoval).isGreaterThan(1);
    assertThat(reclaim.reported).containsExactlyInAnyOrder("2:warned", "4:warned", "6:warned", "4:kept", "2:removed",
        "6:removed"); // removing and removed in one pass: the ticket shows what became of it
    assertThat(reclaim.closed).hasValue(1);
    // The nudge cut the wait short and cancelled its timer: no stale timer fires into the history later.
    String id = AccessflowTemporal.reclaimWorkflowId(RUN);
    WorkflowClient client = env.getWorkflowClient();
    assertThat(Histories.count(client, id, EventType.EVENT_TYPE_TIMER_CANCELED)).isEqualTo(1);
    assertThat(Histories.count(client, id, EventType.EVENT_TYPE_TIMER_FIRED) + 1)
        .isEqualTo(Histories.count(client, id, EventType.EVENT_TYPE_TIMER_STARTED));
    Histories.recordIfAsked(env.getWorkflowClient(), AccessflowTemporal.reclaimWorkflowId(RUN),
        "reclaim-run-cancels-its-timer");
  }

  @Test
  void aRemovalThroughAnIdpOutageIsRetriedAMinuteApartUntilTheIdpConfirmsIt() {
    start(2, false, 500);
    await(() -> reclaim.told.size() == 1);
    reclaim.idpDown = true;
    env.sleep(GRACE.plusMinutes(30));
    assertThat(reclaim.items).containsEntry(2, "removing");
    int attempts = reclaim.removeAttempts.get();
    // About one attempt a minute for half an hour: never hammered, never given up.
    assertThat(attempts).isBetween(25, 32);
    reclaim.idpDown = false;
    finished();
    assertThat(reclaim.items).containsEntry(2, "removed");
    assertThat(reclaim.removedAt.get(2)).isBefore(reclaim.startedAt.plus(GRACE).plus(Duration.ofMinutes(32)));
  }

  @Test
  void theSameNudgeTwiceSettlesOnceAndIsReportedOnce() {
    start(2, false, 500);
    await(() -> reclaim.reported.contains("2:warned"));
    reclaim.signedIn.add(2);
    running().nudged();
    running().nudged();
    finished();
    assertThat(reclaim.keptCalls.get()).isEqualTo(1);
    assertThat(reclaim.reported).containsExactlyInAnyOrder("2:warned", "2:kept");
    assertThat(reclaim.removeAttempts).hasValue(0);
  }

  @Test
  void aDryRunRecordsItsFindingsAndClosesWithoutWaitingOrRemovingAnything() {
    start(6, true, 500);
    finished();
    assertThat(reclaim.items).containsOnlyKeys(2, 4, 6).allSatisfy((item, state) -> assertThat(state)
        .isEqualTo("would-reclaim"));
    assertThat(reclaim.told).isEmpty();
    assertThat(reclaim.removeAttempts).hasValue(0);
    assertThat(reclaim.closedAt).isBefore(reclaim.startedAt.plusSeconds(60)); // no timer: nothing to wait for
  }

  @Test
  void aScanOfManyPagesContinuesAsNewAndJudgesEachPageOnce() {
    start(700, true, 1); // one membership a page: 700 activities, more than one run holds
    finished();
    assertThat(reclaim.scanned).hasValue(700);
    assertThat(reclaim.scanCalls).hasValue(701);
    var first = env.getWorkflowClient().fetchHistory(AccessflowTemporal.reclaimWorkflowId(RUN), firstRunId)
        .getHistory();
    assertThat(first.getEventsList()).hasSizeLessThan(ReclaimRunWorkflowImpl.HISTORY_LIMIT + 50);
    assertThat(first.getEvents(first.getEventsCount() - 1).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertThat(reclaim.ticketOpened).hasValue(1);
    assertThat(reclaim.closed).hasValue(1);
  }

  private static void await(BooleanSupplier done) {
    dev.accessflow.workflows.testing.Await.until("the reclaim workflow", done);
  }

  /** One run's ledger in memory: members 1..n, the even ones unused; a log of three pages. */
  static final class FakeReclaim implements ReclaimWork {
    private final int total;
    private final boolean dryRun;
    private final int scanPage;
    private final TestWorkflowEnvironment env;
    volatile boolean idpDown;
    private int cursor;
    private boolean logRead;
    private int logLeft = 3;
    final AtomicInteger logPages = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();
    volatile int readsBeforeFirstRemoval;
    final AtomicInteger ticketOpened = new AtomicInteger();
    final AtomicInteger scanned = new AtomicInteger();
    final AtomicInteger scanCalls = new AtomicInteger();
    final AtomicInteger removeAttempts = new AtomicInteger();
    final AtomicInteger keptCalls = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final Map<Integer, String> items = new ConcurrentHashMap<>();
    final Map<Integer, String> reportedState = new ConcurrentHashMap<>();
    final Map<Integer, Instant> graceEnds = new ConcurrentHashMap<>();
    final Map<Integer, Instant> retryAt = new ConcurrentHashMap<>();
    final Map<Integer, Instant> removedAt = new ConcurrentHashMap<>();
    final java.util.Set<Integer> signedIn = ConcurrentHashMap.newKeySet();
    final List<Integer> told = new CopyOnWriteArrayList<>();
    final List<String> reported = new CopyOnWriteArrayList<>();
    final Instant startedAt;
    volatile Instant closedAt;

    FakeReclaim(int total, boolean dryRun, int scanPage, TestWorkflowEnvironment env) {
      this.total = total;
      this.dryRun = dryRun;
      this.scanPage = scanPage;
      this.env = env;
      this.startedAt = Instant.ofEpochMilli(env.currentTimeMillis());
    }

    private Instant now() {
      return Instant.ofEpochMilli(env.currentTimeMillis());
    }

    @Override
    public synchronized boolean readUsage(String runId, int limit) {
      reads.incrementAndGet();
      if (logRead) {
        return false;
      }
      logPages.incrementAndGet();
      logRead = --logLeft == 0;
      return !logRead;
    }

    @Override
    public String openTicket(String runId) {
      ticketOpened.incrementAndGet();
      return "RCL-1";
    }

    @Override
    public synchronized int scanPage(String runId, int limit) {
      scanCalls.incrementAndGet();
      int n = Math.min(Math.min(limit, scanPage), total - cursor);
      for (int i = cursor + 1; i <= cursor + n; i++) {
        if (i % 2 == 0) {
          items.put(i, dryRun ? "would-reclaim" : "warned");
          if (!dryRun) {
            graceEnds.put(i, now().plus(GRACE));
          }
        }
      }
      cursor += n;
      scanned.addAndGet(n);
      return n;
    }

    @Override
    public synchronized int warn(String runId, int limit) {
      List<Integer> untold = new TreeMap<>(items).entrySet().stream()
          .filter(e -> e.getValue().equals("warned") && !told.contains(e.getKey())).map(Map.Entry::getKey)
          .limit(limit).toList();
      told.addAll(untold);
      return untold.size();
    }

    @Override
    public synchronized ReclaimPass pass(String runId, int limit) {
      int kept = 0;
      for (int i : signedIn) {
        if ("warned".equals(items.get(i))) {
          items.put(i, "kept");
          kept++;
          keptCalls.incrementAndGet();
        }
      }
      Instant now = now();
      items.forEach((i, state) -> {
        if (state.equals("warned") && !graceEnds.get(i).isAfter(now)) {
          items.put(i, "removing");
        }
      });
      int removed = 0;
      int failed = 0;
      List<Integer> due = new ArrayList<>();
      items.forEach((i, state) -> {
        if (state.equals("removing") && !retryAt.getOrDefault(i, Instant.MIN).isAfter(now)) {
          due.add(i);
        }
      });
      for (int i : due.subList(0, Math.min(limit, due.size()))) {
        removeAttempts.incrementAndGet();
        if (readsBeforeFirstRemoval == 0) {
          readsBeforeFirstRemoval = reads.get();
        }
        if (idpDown) {
          retryAt.put(i, now.plus(Duration.ofMinutes(1)));
          failed++;
        } else {
          items.put(i, "removed");
          removedAt.put(i, now);
          removed++;
        }
      }
      int inGrace = (int) items.values().stream().filter("warned"::equals).count();
      Instant nextGrace = items.entrySet().stream().filter(e -> e.getValue().equals("warned"))
          .map(e -> graceEnds.get(e.getKey())).min(Instant::compareTo).orElse(null);
      int removing = (int) items.values().stream().filter("removing"::equals).count();
      Instant nextAttempt = items.entrySet().stream().filter(e -> e.getValue().equals("removing"))
          .map(e -> retryAt.getOrDefault(e.getKey(), now)).min(Instant::compareTo).orElse(null);
      return new ReclaimPass(kept, removed, failed, Math.max(0, due.size() - limit), inGrace, nextGrace, removing,
          nextAttempt);
    }

    @Override
    public synchronized int report(String runId, long part, int limit) {
      List<Integer> fresh = new TreeMap<>(items).entrySet().stream()
          .filter(e -> !e.getValue().equals(reportedState.get(e.getKey()))).map(Map.Entry::getKey).limit(limit)
          .toList();
      for (int i : fresh) {
        reportedState.put(i, items.get(i));
        if (!items.get(i).equals("would-reclaim")) {
          reported.add(i + ":" + items.get(i));
        }
      }
      return fresh.size();
    }

    @Override
    public void close(String runId, long part) {
      if (closed.getAndIncrement() > 0) {
        throw ApplicationFailure.newNonRetryableFailure("closed twice", "Test");
      }
      closedAt = now();
    }
  }
}
