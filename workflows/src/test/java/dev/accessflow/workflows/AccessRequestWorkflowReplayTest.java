package dev.accessflow.workflows;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replays committed histories against today's code: a change to the workflow's command sequence
 * that is not guarded by Workflow.getVersion fails here, before it strands running requests.
 */
class AccessRequestWorkflowReplayTest {
  private TestWorkflowEnvironment env;
  private Worker worker;

  @BeforeEach
  void worker() {
    env = TestWorkflowEnvironment.newInstance();
    // The first replay loads the workflow's classes; on a busy 2-core machine that alone took over
    // the SDK's 1 s deadlock-detection budget and failed the test for a reason unrelated to replay.
    worker = env.newWorker("replay", WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
    worker.registerWorkflowImplementationTypes(AccessRequestWorkflowImpl.class);
  }

  @AfterEach
  void close() {
    env.close();
  }

  /** Recorded before memberships became shared leases (the getVersion default branch). */
  @Test
  void approvedAndExpiredHistoryStillReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/approved-and-expired.json", worker);
  }

  /** Recorded with shared-memberships version 1: grants and removals go through leases. */
  @Test
  void approvedAndExpiredWithSharedMembershipsStillReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/approved-and-expired-shared-memberships.json", worker);
  }

  /**
   * Recorded with approval-policy version 1: the manager stage resolved from the IdP, a reminder and an
   * escalation on the second stage, approval by the escalated person, grant and expiry.
   */
  @Test
  void approvalPolicyHistoryStillReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/approval-policy-two-stages.json", worker);
  }
}
