package dev.accessflow.workflows.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.DriftSweep;
import dev.accessflow.workflows.model.GroupSync;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.InventoryPage;
import dev.accessflow.workflows.model.InventoryPlan;
import dev.accessflow.workflows.model.InventoryRun;
import dev.accessflow.workflows.model.MembershipChange;
import dev.accessflow.workflows.ports.DriftActions;
import dev.accessflow.workflows.ports.InventorySync;
import dev.accessflow.workflows.testing.Await;
import dev.accessflow.workflows.testing.Histories;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inventory workflow on the time-skipping test server, with its activities played by in-memory fakes. */
class InventoryWorkflowTest {
  private static final String QUEUE = "inventory-test";
  private static final Duration INTERVAL = Duration.ofMinutes(15);

  private TestWorkflowEnvironment env;
  private FakeInventory inventory;
  private String firstRunId;
  private final FakeDrift drift = new FakeDrift();

  private void start(Map<String, Integer> pagesPerGroup) {
    start(pagesPerGroup, INTERVAL);
  }

  private void start(Map<String, Integer> pagesPerGroup, Duration interval) {
    env = TestWorkflowEnvironment.newInstance();
    inventory = new FakeInventory(pagesPerGroup);
    inventory.interval = interval;
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(inventory, drift);
    env.start();
    firstRunId = WorkflowClient.start(stub()::run, InventoryRun.first()).getRunId();
  }

  private InventoryWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(InventoryWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.INVENTORY_WORKFLOW_ID).setTaskQueue(QUEUE).build());
  }

  /** Signals as the API does: with start, so a signal that meets the workflow between two runs is not lost. */
  private void signal(java.util.function.Consumer<InventoryWorkflow> signal) {
    for (int tried = 1; ; tried++) {
      InventoryWorkflow stub = stub();
      var batch = env.getWorkflowClient().newSignalWithStartRequest();
      batch.add(stub::run, InventoryRun.first());
      batch.add(() -> signal.accept(stub));
      try {
        env.getWorkflowClient().signalWithStart(batch);
        return;
      } catch (io.temporal.client.WorkflowExecutionAlreadyStarted e) {
        // The test server between two runs of a continue-as-new (as InventoryGateway retries).
        if (tried == 10) {
          throw e;
        }
        try {
          Thread.sleep(20L * tried);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void syncsEveryGroupPageByPageThenWaitsForTheIntervalAndSyncsAgain() {
    start(Map.of("g1", 3, "g2", 1));

    await(() -> inventory.finished.size() == 1);
    assertThat(inventory.calls).containsExactly("g1@start", "g1@g1-p1", "g1@g1-p2", "finish g1", "g2@start", "finish g2");
    assertThat(inventory.triggers).containsExactly("start");
    assertThat(drift.sweeps.get()).isPositive();
    // The first run: the whole sync, ending in continue-as-new.
    Histories.recordIfAsked(env.getWorkflowClient(), AccessflowTemporal.INVENTORY_WORKFLOW_ID, firstRunId,
        "inventory-sync");

    env.sleep(INTERVAL.minusMinutes(1));
    assertThat(inventory.finished).hasSize(1);
    env.sleep(Duration.ofMinutes(2));
    await(() -> inventory.finished.size() == 2);
    assertThat(inventory.triggers).containsExactly("start", "schedule");
    assertThat(inventory.finished.get(1)).isNotEqualTo(inventory.finished.get(0));
  }

  @Test
  void aSyncAskedForStartsAtOnceAndSaysWhoAsked() {
    start(Map.of("g1", 1));
    await(() -> inventory.finished.size() == 1);

    signal(w -> w.syncNow("sam@example.com"));

    await(() -> inventory.finished.size() == 2);
    assertThat(inventory.triggers).containsExactly("start", "sam@example.com");
  }

  @Test
  void aPageTheIdpRefusesForNowIsRetriedAtTheSameCursorNotFromTheStart() {
    inventoryFailures.put("g1@g1-p1", 2);
    start(Map.of("g1", 3));

    await(() -> inventory.finished.size() == 1);

    assertThat(inventory.attempts).containsExactly("g1@start", "g1@g1-p1", "g1@g1-p1", "g1@g1-p1", "g1@g1-p2");
    assertThat(inventory.calls).containsExactly("g1@start", "g1@g1-p1", "g1@g1-p2", "finish g1");
  }

  @Test
  void aChangeDeliveredTwiceIsAppliedOnceAndWakesTheSweep() throws Exception {
    start(Map.of("g1", 1));
    await(() -> inventory.finished.size() == 1);
    int sweepsBefore = drift.sweeps.get();
    CountDownLatch hold = new CountDownLatch(1);
    inventory.holdNextObserve = hold;
    MembershipChange add = new MembershipChange("evt-1", "g1", "00u-bob", "bob@example.com", true,
        Instant.parse("2026-12-02T10:00:00Z"), "admin@example.com");
    MembershipChange other = new MembershipChange("evt-2", "g1", "00u-ed", "ed@example.com", true,
        Instant.parse("2026-12-02T10:00:01Z"), "admin@example.com");

    // The change finds the inventory waiting for its next work, so the wake cancels that wait's timer.
    Await.until("the inventory waiting", () -> Histories.waitingOnATimer(env.getWorkflowClient(),
        AccessflowTemporal.INVENTORY_WORKFLOW_ID));
    signal(w -> w.membershipChanged(add));
    assertThat(inventory.observing.await(10, TimeUnit.SECONDS)).isTrue();
    // While the first is being applied, the same event again and another one arrive.
    // ...in one delivery carrying the same event twice, and then again on its own.
    signal(w -> w.membershipsChanged(List.of(other, other)));
    signal(w -> w.membershipChanged(other));
    hold.countDown();

    await(() -> inventory.observed.size() == 2 && drift.sweeps.get() > sweepsBefore);
    assertThat(inventory.observed).containsExactly("evt-1", "evt-2");
    // The signals cut the wait short and cancelled its timer: no stale timer fires into the history later.
    assertThat(Histories.count(env.getWorkflowClient(), AccessflowTemporal.INVENTORY_WORKFLOW_ID,
        io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_CANCELED)).isGreaterThanOrEqualTo(1);
    Histories.recordIfAsked(env.getWorkflowClient(), AccessflowTemporal.INVENTORY_WORKFLOW_ID,
        "inventory-changes-cancels-its-timer");
  }

  @Test
  void aSyncTooLongForOneHistoryContinuesAsNewAndResumesAtThePageItStoppedOn() {
    start(Map.of("g1", 800));

    await(() -> inventory.finished.size() == 1);

    List<String> pages = inventory.calls.stream().filter(c -> c.startsWith("g1@")).toList();
    assertThat(pages).hasSize(800).doesNotHaveDuplicates();
    assertThat(inventory.triggers).containsExactly("start");
    // The first run stopped in the middle of the group, under the history limit, and handed on its cursor.
    var first = env.getWorkflowClient().fetchHistory(AccessflowTemporal.INVENTORY_WORKFLOW_ID, firstRunId).getHistory();
    assertThat(first.getEventsList()).hasSizeLessThan(InventoryWorkflowImpl.HISTORY_LIMIT + 50);
    assertThat(first.getEvents(first.getEventsCount() - 1).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertThat(first.getEventsList().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).count()).isBetween(300L, 799L);
  }

  @Test
  void aRemovalDueBetweenSyncsWakesTheWorkflowWhenItFallsDue() {
    drift.nextRemoval = Instant.now().plus(Duration.ofHours(2)); // the test server starts at the wall clock
    start(Map.of("g1", 1), Duration.ofDays(1));
    await(() -> inventory.finished.size() == 1);
    Instant due = drift.nextRemoval;
    int before = drift.sweeps.get();

    env.sleep(Duration.ofHours(2).plusMinutes(1));

    await(() -> drift.nextRemoval == null);
    assertThat(drift.sweeps.get()).isGreaterThan(before);
    Instant removedAt = drift.sweptAt.get(drift.sweptAt.size() - 1);
    assertThat(removedAt).isAfterOrEqualTo(due).isBefore(due.plus(Duration.ofMinutes(2)));
    assertThat(inventory.finished).hasSize(1); // no sync was due: only the removal woke it
  }

  private final Map<String, Integer> inventoryFailures = new ConcurrentHashMap<>();

  /** Pages named g-pN, failures on demand, a latch to hold an observe while signals arrive. */
  final class FakeInventory implements InventorySync {
    private final Map<String, Integer> pages;
    volatile Duration interval = INTERVAL;
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<String> attempts = new CopyOnWriteArrayList<>();
    final List<String> finished = new CopyOnWriteArrayList<>();
    final List<String> triggers = new CopyOnWriteArrayList<>();
    final List<String> observed = new CopyOnWriteArrayList<>();
    private final Set<String> seen = Collections.newSetFromMap(new ConcurrentHashMap<>());
    final CountDownLatch observing = new CountDownLatch(1);
    volatile CountDownLatch holdNextObserve;

    FakeInventory(Map<String, Integer> pages) {
      this.pages = new java.util.TreeMap<>(pages);
    }

    @Override
    public InventoryPlan plan() {
      List<InventoryGroup> groups = new ArrayList<>();
      pages.keySet().forEach(g -> groups.add(new InventoryGroup(g, "app", "role", "report", 0)));
      return new InventoryPlan(groups, interval);
    }

    @Override
    public void syncStarted(String syncId, String trigger, int groups) {
      triggers.add(trigger);
    }

    @Override
    public InventoryPage syncPage(String syncId, InventoryGroup group, String cursor) {
      String call = group.groupId() + "@" + (cursor == null ? "start" : cursor);
      attempts.add(call);
      Integer failures = inventoryFailures.get(call);
      if (failures != null && failures > 0) {
        inventoryFailures.put(call, failures - 1);
        throw ApplicationFailure.newBuilder().setType("IdpRateLimited").setMessage("429 from the IdP")
            .setNextRetryDelay(Duration.ofMillis(200)).build();
      }
      calls.add(call);
      int page = cursor == null ? 0 : Integer.parseInt(cursor.substring(cursor.lastIndexOf('p') + 1));
      String next = page + 1 < pages.get(group.groupId()) ? group.groupId() + "-p" + (page + 1) : null;
      return new InventoryPage(next, 200, 0, null);
    }

    @Override
    public GroupSync finishGroup(String syncId, InventoryGroup group) {
      calls.add("finish " + group.groupId());
      return new GroupSync(200, 0, 0);
    }

    @Override
    public void syncFinished(String syncId) {
      finished.add(syncId);
    }

    @Override
    public int observe(String syncId, List<MembershipChange> changes) {
      observing.countDown();
      CountDownLatch hold = holdNextObserve;
      if (hold != null) {
        holdNextObserve = null;
        try {
          hold.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int fresh = 0;
      for (MembershipChange change : changes) {
        observed.add(change.eventId());
        fresh += seen.add(change.eventId()) ? 1 : 0;
      }
      return fresh;
    }
  }

  final class FakeDrift implements DriftActions {
    final AtomicInteger sweeps = new AtomicInteger();
    final List<Instant> sweptAt = new CopyOnWriteArrayList<>();
    /** When the next removal is due, as the ledger would say; null for none. */
    volatile Instant nextRemoval;

    @Override
    public DriftSweep sweep(int limit) {
      sweeps.incrementAndGet();
      Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
      sweptAt.add(now);
      Instant due = nextRemoval;
      if (due != null && !now.isBefore(due)) {
        nextRemoval = null; // removed now
        return new DriftSweep(0, 1, 0, null);
      }
      return new DriftSweep(0, 0, 0, due);
    }
  }

  /** Waits in wall time for what the worker does (queries and polling do not skip time). */
  private static void await(BooleanSupplier done) {
    dev.accessflow.workflows.testing.Await.until("the inventory workflow", done);
  }
}
