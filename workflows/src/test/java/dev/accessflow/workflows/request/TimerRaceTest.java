package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.testing.AccessRequests.OWNER;
import static dev.accessflow.workflows.testing.AccessRequests.REQUESTER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.TimerRace;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.StageTimings;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.ports.NoticeDelivery;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.DirectLeases;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.Histories;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingLedger;
import dev.accessflow.workflows.testing.RecordingTickets;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowUpdateTimeoutOrCancelledException;
import io.temporal.client.WorkflowStub;
import io.temporal.internal.common.ProtobufTimeUtils;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A timer and a decision reported in one workflow task, made deterministic: the worker is stopped,
 * the timer comes due, the decision reaches the server, and only then does a worker poll, so its
 * first task carries both.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerRaceTest {
  private final FakeDirectory directory = new FakeDirectory().withUser(REQUESTER, null).withUser(OWNER, null);
  private final RecordingTickets tickets = new RecordingTickets();
  private final RecordingChat chat = new RecordingChat();
  private final RecordingLedger ledger = new RecordingLedger();
  private TestWorkflowEnvironment env;
  private WorkerFactory restarted;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    RequestWorkflowExtension.registerSearchAttributes(env);
    // No sticky queue: the test server never moves a task off a stopped worker's sticky queue.
    register(env.newWorker(RequestWorkflowExtension.QUEUE,
        WorkerOptions.newBuilder().setStickyQueueScheduleToStartTimeout(Duration.ZERO).build()));
    env.start();
  }

  @AfterEach
  void stop() {
    if (restarted != null) {
      restarted.shutdownNow();
    }
    env.close();
  }

  @Test
  void aReminderDueInTheTaskThatApprovedTheStageIsNotSent() throws Exception {
    ApprovalStage stage = new ApprovalStage("app owner", List.of(OWNER), 1, false, false, List.of(),
        new StageTimings(Duration.ofHours(4), null, Duration.ofHours(48)));
    AccessRequestWorkflow workflow = start(AccessRequests.withRoute("race1", List.of(stage)));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    awaitTrue("the stage was put to its approver", () -> !chat.prompts().isEmpty());

    UpdateOutcome approved = inOneTaskWithTheTimer(workflow, Duration.ofHours(4), AccessflowTemporal.UPDATE_DECIDE,
        new Decision("race1-approve", OWNER, Verdict.APPROVE, Channel.SLACK, "ok"));

    assertThat(approved.status()).isEqualTo(RequestStatus.APPROVED);
    AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);
    assertThat(tickets.entries()).extracting(AuditEntry::kind).doesNotContain(AuditKind.REMINDER);
    assertThat(chat.reminders()).isEmpty();
    assertThat(raceMarkerRecorded(workflow)).as("the race's version marker").isTrue();
    assertThat(RequestWorkflowExtension.result(workflow).status()).isEqualTo(RequestStatus.EXPIRED);
    Histories.recordIfAsked(env.getWorkflowClient(), AccessflowTemporal.workflowId("race1"), "timer-race-reminder");
  }

  @Test
  void anEndsSoonWarningDueInTheTaskThatExtendedTheGrantWarnsOnlyOfTheNewEnd() throws Exception {
    AccessRequestWorkflow workflow = start(AccessRequests.withRoute("race2", List.of(ApprovalStage.anyOf("app owner",
        List.of(OWNER)))).withPolicy(new RequestPolicy(List.of(), null, true, false, null, Duration.ofHours(1))));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("race2-approve", OWNER, Verdict.APPROVE, Channel.SLACK, "ok"));
    AccessRequestState active = AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);

    // The warning for the 24 h expiry comes due at 23 h, in the task that moves the expiry to 48 h.
    UpdateOutcome extended = inOneTaskWithTheTimer(workflow, Duration.ofHours(23), AccessflowTemporal.UPDATE_EXTEND,
        new Extension("race2-extend", OWNER, Channel.SLACK, Duration.ofHours(48), "migration slipped"));

    assertThat(extended.status()).isEqualTo(RequestStatus.ACTIVE);
    assertThat(RequestWorkflowExtension.result(workflow).status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(chat.notices()).filteredOn(n -> n.kind() == AuditKind.EXPIRING_SOON).singleElement()
        .satisfies(n -> assertThat(n.text()).contains("ends at " + active.grantedAt().plus(Duration.ofHours(48))));
    // The expiry's timers are named and cancelled now (ExpiryTimer.VERSION_NAMED): a wait whose expiry
    // moved in the timer's own task reports the move, so the race never reaches TimerRace's check.
    // The committed timer-race-expiry-warning history, from before, still replays through that check.
    assertThat(markerRecorded(workflow, ExpiryTimer.VERSION_NAMED)).as("the named timers' version marker").isTrue();
    assertThat(markerRecorded(workflow, TimerRace.CHANGE_ID)).as("the race's version marker").isFalse();
    assertThat(history(AccessflowTemporal.workflowId("race2")).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_STARTED)
        .map(e -> e.getUserMetadata().getSummary().getData().toStringUtf8()))
        .anyMatch(summary -> summary.contains("expiry warning: " + AccessRequests.REQUESTER))
        .anyMatch(summary -> summary.contains("expiry: remove " + AccessRequests.REQUESTER));
    Histories.recordIfAsked(env.getWorkflowClient(), AccessflowTemporal.workflowId("race2"),
        "timer-race-expiry-warning-named-timers");
  }

  private AccessRequestWorkflow start(AccessRequest request) {
    return AccessRequests.start(env.getWorkflowClient(), RequestWorkflowExtension.QUEUE, request);
  }

  /**
   * Stops the worker once the workflow is idle, lets {@code sleep} pass so its timer fires, sends the
   * update, and starts a new worker only when the server holds both: its first task carries the two.
   */
  private UpdateOutcome inOneTaskWithTheTimer(AccessRequestWorkflow workflow, Duration sleep, String update, Object arg)
      throws Exception {
    String workflowId = WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId();
    awaitIdle(workflowId);
    env.getWorkerFactory().shutdownNow();
    env.getWorkerFactory().awaitTermination(10, TimeUnit.SECONDS);
    // To just past the workflow's next timer, which must be the one the test means. The server stops
    // skipping time once that timer's task is pending, so any sleep past it would run on the wall clock.
    Duration untilTimer = untilNextTimer(workflowId);
    assertThat(untilTimer).as("time to the workflow's next timer").isBetween(sleep.minusMinutes(1), sleep);
    CompletableFuture<Void> slept = CompletableFuture.runAsync(() -> env.sleep(untilTimer.plusMillis(1)));
    try {
      slept.get(20, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the timer did not fire; history: " + history(workflowId).stream()
          .map(h -> h.getEventType().name().replace("EVENT_TYPE_", "")).toList());
    }
    WorkflowStub stub = WorkflowStub.fromTyped(workflow);
    String updateId = workflowId + "-" + update;
    CompletableFuture<UpdateOutcome> done = CompletableFuture.supplyAsync(() -> stub.startUpdate(
        UpdateOptions.newBuilder(UpdateOutcome.class).setUpdateName(update).setUpdateId(updateId)
            .setWaitForStage(WorkflowUpdateStage.COMPLETED).build(), arg).getResult());
    awaitUpdateOnServer(stub, updateId);

    restarted = WorkerFactory.newInstance(env.getWorkflowClient());
    register(restarted.newWorker(RequestWorkflowExtension.QUEUE));
    restarted.start();
    UpdateOutcome outcome = done.get(30, TimeUnit.SECONDS);
    assertThat(timerAndUpdateInOneTask(workflowId)).as("the timer and the update were handled in one workflow task")
        .isTrue();
    return outcome;
  }

  /** How long until the earliest timer the workflow has started and not yet seen fire or cancelled. */
  private Duration untilNextTimer(String workflowId) {
    Map<Long, Instant> pending = new HashMap<>();
    for (HistoryEvent e : history(workflowId)) {
      switch (e.getEventType()) {
        case EVENT_TYPE_TIMER_STARTED -> pending.put(e.getEventId(), Instant.ofEpochSecond(e.getEventTime().getSeconds(),
            e.getEventTime().getNanos()).plus(ProtobufTimeUtils.toJavaDuration(
                e.getTimerStartedEventAttributes().getStartToFireTimeout())));
        case EVENT_TYPE_TIMER_FIRED -> pending.remove(e.getTimerFiredEventAttributes().getStartedEventId());
        case EVENT_TYPE_TIMER_CANCELED -> pending.remove(e.getTimerCanceledEventAttributes().getStartedEventId());
        default -> { }
      }
    }
    Instant next = pending.values().stream().min(Instant::compareTo).orElseThrow(() -> new AssertionError("no timer"));
    return Duration.between(Instant.ofEpochMilli(env.currentTimeMillis()), next);
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  private void register(io.temporal.worker.Worker worker) {
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(directory, new DirectLeases(directory), new NoticeDelivery(tickets, chat, ledger));
  }

  /** Waits until the workflow has no task or activity outstanding: the server may skip time again. */
  private void awaitIdle(String workflowId) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int idleLength = -1;
    while (System.nanoTime() < deadline) {
      var described = env.getWorkflowClient().getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace(env.getNamespace())
              .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build());
      // A started workflow task may not show as pending, so idle also means: the history ends in a
      // completed task, and stays the same length for a while (found when the module's tests ran together).
      List<HistoryEvent> events = history(workflowId);
      EventType last = events.get(events.size() - 1).getEventType();
      if (described.getPendingActivitiesCount() == 0 && !described.hasPendingWorkflowTask()
          && last != EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED && last != EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED
          && events.size() == idleLength) {
        return;
      }
      idleLength = events.size();
      Thread.sleep(50);
    }
    throw new AssertionError(workflowId + " never went idle");
  }

  /** The server knows the update once polling its result waits instead of answering "not found". */
  private static void awaitUpdateOnServer(WorkflowStub stub, String updateId) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      try {
        stub.getUpdateHandle(updateId, UpdateOutcome.class).getResultAsync(200, TimeUnit.MILLISECONDS).get();
        return;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof WorkflowUpdateTimeoutOrCancelledException) {
          return; // known to the server, waiting for a worker
        }
        Thread.sleep(20); // NOT_FOUND: not there yet
      }
    }
    throw new AssertionError("update " + updateId + " never reached the server");
  }

  /** True when a decision was accepted in a workflow task that also reported a fired timer. */
  private boolean timerAndUpdateInOneTask(String workflowId) {
    boolean timerPending = false;
    boolean timerInThisTask = false;
    for (HistoryEvent e : history(workflowId)) {
      switch (e.getEventType()) {
        case EVENT_TYPE_TIMER_FIRED -> timerPending = true;
        case EVENT_TYPE_WORKFLOW_TASK_STARTED -> {
          timerInThisTask = timerPending;
          timerPending = false;
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED -> {
          if (timerInThisTask) {
            return true;
          }
        }
        default -> { }
      }
    }
    return false;
  }

  private boolean raceMarkerRecorded(AccessRequestWorkflow workflow) {
    return markerRecorded(workflow, TimerRace.CHANGE_ID);
  }

  private boolean markerRecorded(AccessRequestWorkflow workflow, String changeId) {
    return history(WorkflowStub.fromTyped(workflow).getExecution().getWorkflowId()).stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .map(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().get("changeId"))
        .anyMatch(id -> id != null && id.getPayloads(0).getData().toStringUtf8().contains(changeId));
  }

  private List<HistoryEvent> history(String workflowId) {
    return env.getWorkflowClient().fetchHistory(workflowId).getHistory().getEventsList();
  }
}
