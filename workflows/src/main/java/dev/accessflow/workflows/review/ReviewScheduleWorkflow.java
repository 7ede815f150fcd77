package dev.accessflow.workflows.review;

import dev.accessflow.workflows.AccessflowTemporal;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The catalog's recurring access reviews ({@link AccessflowTemporal#REVIEW_SCHEDULE_WORKFLOW_ID}):
 * starts each app's review when it falls due, as a loop of timers with continue-as-new (no
 * Temporal Schedules, so it runs on the test server too).
 */
@WorkflowInterface
public interface ReviewScheduleWorkflow {

  @WorkflowMethod(name = AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_TYPE)
  void run();

  /** The catalog may have changed (a worker started): look at the schedules now. */
  @SignalMethod(name = AccessflowTemporal.SIGNAL_REVIEW_SCHEDULE_CHANGED,
      description = "Look at the catalog's review schedules again.")
  void recheck();
}
