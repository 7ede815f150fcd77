package dev.accessflow.workflows.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.ports.ReviewScheduling;
import dev.accessflow.workflows.testing.Histories;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The recurring reviews' loop on the time-skipping test server, against a fake catalog of one app every 90 days. */
class ReviewScheduleWorkflowTest {
  private static final String QUEUE = "review-schedule-test";
  private static final Duration EVERY = Duration.ofDays(90);

  private TestWorkflowEnvironment env;
  private final FakeSchedule schedule = new FakeSchedule();
  private String firstRunId;

  private void start() {
    env = TestWorkflowEnvironment.newInstance();
    schedule.env = env;
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(schedule);
    env.start();
    firstRunId = WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(ReviewScheduleWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_ID).setTaskQueue(QUEUE)
            .build())::run).getRunId();
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void startsTheFirstReviewAtOnceAndTheNextWhenItFallsDueLookingAtTheCatalogDaily() {
    start();
    await(() -> schedule.started.size() == 1);
    Instant first = schedule.started.get(0);
    env.sleep(EVERY.minusDays(1));
    assertThat(schedule.started).hasSize(1);
    assertThat(schedule.calls.size()).isBetween(89, 91); // once a day: a changed catalog is seen within a day
    env.sleep(Duration.ofDays(2));
    await(() -> schedule.started.size() == 2);
    assertThat(Duration.between(first, schedule.started.get(1))).isBetween(EVERY, EVERY.plusMinutes(1));
    Histories.recordIfAsked(env.getWorkflowClient(), AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_ID, firstRunId,
        "review-schedule");
  }

  @Test
  void aRecheckLooksAtTheCatalogAtOnce() {
    start();
    await(() -> schedule.calls.size() == 1);
    env.getWorkflowClient().newWorkflowStub(ReviewScheduleWorkflow.class, AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_ID)
        .recheck();
    await(() -> schedule.calls.size() == 2);
  }

  @Test
  void aYearOfWakeUpsStaysWithinBoundedRuns() {
    start();
    env.sleep(Duration.ofDays(400));
    await(() -> schedule.calls.size() >= 400);
    var first = env.getWorkflowClient().fetchHistory(AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_ID, firstRunId)
        .getHistory();
    assertThat(first.getEvents(first.getEventsCount() - 1).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertThat(first.getEventsCount()).isLessThan(3_000);
    assertThat(schedule.started).hasSize(5);
  }

  private static void await(BooleanSupplier done) {
    dev.accessflow.workflows.testing.Await.until("the review schedule workflow", done);
  }

  /** One app reviewed every 90 days; remembers when each review started. */
  static final class FakeSchedule implements ReviewScheduling {
    volatile TestWorkflowEnvironment env;
    final List<Instant> calls = new CopyOnWriteArrayList<>();
    final List<Instant> started = new CopyOnWriteArrayList<>();

    @Override
    public synchronized Instant startDue() {
      Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
      calls.add(now);
      if (started.isEmpty() || !started.get(started.size() - 1).plus(EVERY).isAfter(now)) {
        started.add(now);
      }
      return started.get(started.size() - 1).plus(EVERY);
    }
  }
}
