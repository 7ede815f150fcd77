package dev.accessflow.activities.leases;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.membership.GroupMembershipWorkflow;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.MembershipHolders;
import dev.accessflow.workflows.ports.MembershipLeases;
import io.temporal.activity.Activity;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import dev.accessflow.workflows.model.LeaseResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import dev.accessflow.workflows.ports.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Leases on the shared {@link GroupMembershipWorkflow} of a person and a group, through
 * update-with-start: the membership workflow is started by the first request that needs it. The
 * update id is derived from the request id, so a retried activity is applied once.
 */
public final class TemporalMembershipLeases implements MembershipLeases {
  private final WorkflowClient client;
  private final String taskQueue;
  /** The batch calls' updates go side by side (one thread each while it waits on its membership workflow). */
  private final ExecutorService updateThreads = DaemonThreads.cachedPool("accessflow-lease-calls");

  public TemporalMembershipLeases(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  @Override
  public String acquire(Membership membership) {
    UpdateOptions<String> options = options("acquire", membership);
    return awaitOne(CompletableFuture.supplyAsync(() -> acquire(membership, options), updateThreads));
  }

  @Override
  public String release(Membership membership) {
    UpdateOptions<String> options = options("release", membership);
    return awaitOne(CompletableFuture.supplyAsync(() -> release(membership, options), updateThreads));
  }

  /**
   * Waits for an update, heartbeating every second: a worker killed while its lease activity waits
   * is noticed at the heartbeat timeout (seconds), not at the activity's two-minute limit, and the
   * retry on another worker takes over (found by the kill-worker smoke run: six grants stalled).
   */
  private static <T> T await(CompletableFuture<T> call) throws ExecutionException, InterruptedException {
    io.temporal.activity.ActivityExecutionContext context = Activity.getExecutionContext();
    while (true) {
      try {
        return call.get(1, TimeUnit.SECONDS);
      } catch (TimeoutException stillWaiting) {
        context.heartbeat(null);
      }
    }
  }

  private static String awaitOne(CompletableFuture<String> call) {
    try {
      return await(call);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : asFailure(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted while waiting for the membership workflow", "Interrupted");
    }
  }

  /** Every group side by side; a retryable failure of any fails the call (held ones are held again on the retry). */
  @Override
  public List<LeaseResult> acquireAll(List<Membership> memberships) {
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (Membership membership : memberships) {
      UpdateOptions<String> options = options("acquire", membership); // read on the activity's thread
      calls.add(CompletableFuture.supplyAsync(() -> acquire(membership, options), updateThreads));
    }
    List<LeaseResult> results = new ArrayList<>();
    ApplicationFailure retry = null;
    for (int i = 0; i < memberships.size(); i++) {
      String group = memberships.get(i).groupId();
      try {
        results.add(LeaseResult.done(group, await(calls.get(i))));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApplicationFailure.newFailure("interrupted while waiting for the membership workflows", "Interrupted");
      } catch (ExecutionException e) {
        ApplicationFailure failure = asFailure(e.getCause());
        if (!failure.isNonRetryable()) {
          retry = retry == null ? failure : retry;
        }
        results.add(LeaseResult.failed(group, failure.getOriginalMessage(), failure.isNonRetryable()));
      }
    }
    if (retry != null) {
      throw ApplicationFailure.newFailure(retry.getOriginalMessage(), retry.getType());
    }
    return results;
  }

  /**
   * Every group side by side, waiting at most {@link AccessflowTemporal#QUICK_RELEASE_WAIT}: a group
   * whose membership workflow has not answered by then is answered as not confirmed (its update
   * goes on, and the removal workflow's release queues behind it).
   */
  @Override
  public List<LeaseResult> releaseAll(List<Membership> memberships) {
    long deadline = System.nanoTime() + AccessflowTemporal.QUICK_RELEASE_WAIT.toNanos();
    List<CompletableFuture<String>> calls = new ArrayList<>();
    for (Membership membership : memberships) {
      UpdateOptions<String> options = options("release", membership);
      calls.add(CompletableFuture.supplyAsync(() -> release(membership, options), updateThreads));
    }
    List<LeaseResult> results = new ArrayList<>();
    for (int i = 0; i < memberships.size(); i++) {
      String group = memberships.get(i).groupId();
      try {
        results.add(LeaseResult.done(group,
            calls.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)));
      } catch (TimeoutException e) {
        results.add(LeaseResult.failed(group, stillFailing(memberships.get(i)), false));
      } catch (ExecutionException e) {
        ApplicationFailure failure = asFailure(e.getCause());
        results.add(LeaseResult.failed(group, failure.getOriginalMessage(), failure.isNonRetryable()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        results.add(LeaseResult.failed(group, "interrupted", false));
      }
    }
    return results;
  }

  /**
   * Why a removal is not confirmed yet: the last failure of the IdP call its membership workflow is
   * retrying (Temporal keeps it on the pending activity), else only that it is not confirmed.
   */
  private String stillFailing(Membership membership) {
    String notYet = "the IdP has not confirmed the removal within " + AccessflowTemporal.QUICK_RELEASE_WAIT.toSeconds() + " s";
    try {
      var described = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace(client.getOptions().getNamespace())
              .setExecution(WorkflowExecution.newBuilder()
                  .setWorkflowId(AccessflowTemporal.membershipWorkflowId(membership.groupId(), membership.login())))
              .build());
      return described.getPendingActivitiesList().stream()
          .filter(PendingActivityInfo::hasLastFailure)
          .map(activity -> activity.getLastFailure().getMessage())
          .filter(message -> !message.isBlank())
          .findFirst().orElse(notYet);
    } catch (RuntimeException unavailable) {
      return notYet;
    }
  }

  private String acquire(Membership membership, UpdateOptions<String> options) {
    GroupMembershipWorkflow workflow = stub(membership);
    return call(() -> WorkflowClient.executeUpdateWithStart(workflow::acquire, membership,
        options, new WithStartWorkflowOperation<>(workflow::run, MembershipHolders.NONE)));
  }

  private String release(Membership membership, UpdateOptions<String> options) {
    GroupMembershipWorkflow workflow = stub(membership);
    return call(() -> WorkflowClient.executeUpdateWithStart(workflow::release, membership,
        options, new WithStartWorkflowOperation<>(workflow::run, MembershipHolders.NONE)));
  }

  /**
   * Removes a membership no request holds (drift), through its membership workflow, so it never
   * races a grant of the same membership: refused with {@code MembershipHeld} while one holds it.
   * Not an activity of its own: the drift sweep calls it. Each call is a new update (the removal is
   * safe to repeat).
   *
   * @return null when removed; otherwise why there was nothing to remove
   */
  public String removeUnheld(Membership membership) {
    GroupMembershipWorkflow workflow = stub(membership);
    UpdateOptions<String> options = UpdateOptions.newBuilder(String.class)
        .setUpdateId("remove-unheld:" + membership.requestId() + ":" + java.util.UUID.randomUUID())
        .setWaitForStage(WorkflowUpdateStage.COMPLETED)
        .build();
    return call(() -> WorkflowClient.executeUpdateWithStart(workflow::removeUnheld, membership,
        options, new WithStartWorkflowOperation<>(workflow::run, MembershipHolders.NONE)));
  }

  private static ApplicationFailure asFailure(Throwable e) {
    return e instanceof ApplicationFailure failure ? failure
        : ApplicationFailure.newFailure(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(),
            e.getClass().getSimpleName());
  }

  private GroupMembershipWorkflow stub(Membership membership) {
    return client.newWorkflowStub(GroupMembershipWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.membershipWorkflowId(membership.groupId(), membership.login()))
        .setTaskQueue(taskQueue)
        .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
        .setPriority(AccessflowTemporal.MEMBERSHIP_PRIORITY)
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
