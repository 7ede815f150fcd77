package dev.accessflow.api;

import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ReviewRun;
import dev.accessflow.workflows.review.ReviewCampaignWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's way to review campaigns: start one (its ledger row, then its workflow; the row is taken
 * back if the workflow cannot start) and nudge it after decisions.
 */
public final class ReviewGateway implements ReviewWorkflows {
  private static final Logger log = LoggerFactory.getLogger(ReviewGateway.class);
  private final WorkflowClient client;
  private final String taskQueue;
  private final ReviewLedger reviews;

  public ReviewGateway(WorkflowClient client, String taskQueue, ReviewLedger reviews) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.reviews = reviews;
  }

  /** Reminders every three days, or twice before a shorter due date. */
  public static java.time.Duration defaultRemindEvery(java.time.Duration dueIn) {
    java.time.Duration half = dueIn.dividedBy(2);
    return half.compareTo(java.time.Duration.ofDays(3)) < 0 ? half : java.time.Duration.ofDays(3);
  }

  /** The escalation reviewers get three days, or the campaign's own length if shorter. */
  public static java.time.Duration defaultEscalationGrace(java.time.Duration dueIn) {
    return dueIn.compareTo(java.time.Duration.ofDays(3)) < 0 ? dueIn : java.time.Duration.ofDays(3);
  }

  @Override
  public boolean start(ReviewLedger.Campaign campaign, ReviewRun run) {
    if (!reviews.create(campaign)) {
      return false;
    }
    ReviewCampaignWorkflow stub = client.newWorkflowStub(ReviewCampaignWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.reviewWorkflowId(campaign.reviewId()))
        .setTaskQueue(taskQueue)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .build());
    try {
      WorkflowClient.start(stub::run, run);
    } catch (WorkflowExecutionAlreadyStarted e) {
      return true; // the row is new but the workflow is not: an earlier start got as far as Temporal
    } catch (RuntimeException e) {
      reviews.forget(campaign.reviewId());
      log.warn("review {}: the workflow could not be started: {}", campaign.reviewId(), e.toString());
      throw new ApiProblem(503, "Temporal did not take the review's workflow; nothing was started, try again", null);
    }
    return true;
  }

  /** A campaign that has ended is left alone. */
  @Override
  public void decided(String reviewId, List<String> reviewers) {
    // The decision is in the ledger: the campaign's hourly pass carries it out if the nudge is lost.
    WorkflowNudge.send(() -> client.newWorkflowStub(ReviewCampaignWorkflow.class,
        AccessflowTemporal.reviewWorkflowId(reviewId)).decided(reviewers), log, "review " + reviewId,
        "its next pass takes the decision");
  }
}
