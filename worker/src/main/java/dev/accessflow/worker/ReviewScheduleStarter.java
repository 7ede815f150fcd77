package dev.accessflow.worker;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.review.ReviewScheduleWorkflow;
import io.dropwizard.lifecycle.Managed;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the one review schedule workflow when the worker starts; when it runs already, tells it
 * to look at the (perhaps changed) catalog now.
 */
public final class ReviewScheduleStarter implements Managed {
  private static final Logger log = LoggerFactory.getLogger(ReviewScheduleStarter.class);
  private final WorkflowClient client;
  private final String taskQueue;

  public ReviewScheduleStarter(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  @Override
  public void start() {
    ReviewScheduleWorkflow stub = client.newWorkflowStub(ReviewScheduleWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_ID).setTaskQueue(taskQueue).build());
    try {
      WorkflowClient.start(stub::run);
      log.info("reviews: workflow {} started; it starts the catalog's recurring reviews when they fall due",
          AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_ID);
    } catch (WorkflowExecutionAlreadyStarted e) {
      try {
        client.newWorkflowStub(ReviewScheduleWorkflow.class, AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_ID).recheck();
      } catch (RuntimeException gap) {
        log.info("reviews: could not nudge {} ({}); it looks at the catalog within a day",
            AccessflowTemporal.REVIEW_SCHEDULE_WORKFLOW_ID, gap.toString());
      }
    }
  }
}
