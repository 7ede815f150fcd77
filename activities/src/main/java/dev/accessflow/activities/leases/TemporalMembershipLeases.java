package dev.accessflow.activities.leases;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.membership.GroupMembershipWorkflow;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.MembershipHolders;
import dev.accessflow.workflows.ports.MembershipLeases;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;

/**
 * Leases on the shared {@link GroupMembershipWorkflow} of a person and a group, through
 * update-with-start: the membership workflow is started by the first request that needs it. The
 * update id is derived from the request id, so a retried activity is applied once.
 */
public final class TemporalMembershipLeases implements MembershipLeases {
  private final WorkflowClient client;
  private final String taskQueue;

  public TemporalMembershipLeases(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  @Override
  public String acquire(Membership membership) {
    GroupMembershipWorkflow workflow = stub(membership);
    return call(() -> WorkflowClient.executeUpdateWithStart(workflow::acquire, membership,
        options("acquire", membership), new WithStartWorkflowOperation<>(workflow::run, MembershipHolders.NONE)));
  }

  @Override
  public String release(Membership membership) {
    GroupMembershipWorkflow workflow = stub(membership);
    return call(() -> WorkflowClient.executeUpdateWithStart(workflow::release, membership,
        options("release", membership), new WithStartWorkflowOperation<>(workflow::run, MembershipHolders.NONE)));
  }

  private GroupMembershipWorkflow stub(Membership membership) {
    return client.newWorkflowStub(GroupMembershipWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.membershipWorkflowId(membership.groupId(), membership.login()))
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .build());
  }

  /**
   * One update id per activity attempt: both operations are idempotent in the membership
   * workflow, and a failed update must not be answered from Temporal's cache when retried.
   */
  private static UpdateOptions<String> options(String operation, Membership membership) {
    var info = Activity.getExecutionContext().getInfo();
    return UpdateOptions.newBuilder(String.class)
        .setUpdateId(operation + ":" + membership.requestId() + ":" + info.getActivityId() + ":" + info.getAttempt())
        .setWaitForStage(WorkflowUpdateStage.COMPLETED)
        .build();
  }

  /**
   * Passes the IdP's own failure through: a refusal stays non-retryable, anything else is
   * retried, and the message is the IdP's, so the request's state names the real problem.
   */
  private static String call(java.util.function.Supplier<String> update) {
    try {
      return update.get();
    } catch (WorkflowUpdateException e) {
      ApplicationFailure innermost = null;
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof ApplicationFailure app) {
          innermost = app;
        }
      }
      if (innermost == null) {
        throw e;
      }
      boolean refused = innermost.isNonRetryable() || e.getCause() instanceof ActivityFailure activity
          && activity.getRetryState() == RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE;
      throw refused
          ? ApplicationFailure.newNonRetryableFailure(innermost.getOriginalMessage(), innermost.getType())
          : ApplicationFailure.newFailure(innermost.getOriginalMessage(), innermost.getType());
    }
  }
}
