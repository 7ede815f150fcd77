package dev.accessflow.workflows.review;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.ports.ReviewScheduling;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/** Wakes when the next scheduled review falls due (at least daily, to see a changed catalog), starts what is due. */
public final class ReviewScheduleWorkflowImpl implements ReviewScheduleWorkflow {
  /** Wake-ups in one run before it continues as new (about ten events each). */
  static final int WAKES_PER_RUN = 200;
  static final Duration LONGEST_SLEEP = Duration.ofDays(1);
  /** Never wakes more often than this, whatever the activity answers. */
  static final Duration SHORTEST_SLEEP = Duration.ofMinutes(1);

  private final ReviewScheduling scheduling =
      Workflow.newActivityStub(ReviewScheduling.class, AccessflowTemporal.reviewOptions());
  private boolean recheck;

  @Override
  public void run() {
    for (int wake = 0; wake < WAKES_PER_RUN; wake++) {
      recheck = false;
      Instant next = scheduling.startDue();
      Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
      Duration wait = next == null ? LONGEST_SLEEP : Duration.between(now, next);
      wait = wait.compareTo(LONGEST_SLEEP) > 0 ? LONGEST_SLEEP : wait.compareTo(SHORTEST_SLEEP) < 0 ? SHORTEST_SLEEP : wait;
      Workflow.await(wait, () -> recheck);
    }
    Workflow.continueAsNew();
  }

  @Override
  public void recheck() {
    recheck = true;
  }
}
