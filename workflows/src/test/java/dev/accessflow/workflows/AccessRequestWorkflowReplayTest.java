package dev.accessflow.workflows;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays committed histories against today's code: a change to the workflow's command sequence
 * that is not guarded by Workflow.getVersion fails here, before it strands running requests.
 */
class AccessRequestWorkflowReplayTest {

  /** Recorded before memberships became shared leases (the getVersion default branch). */
  @Test
  void approvedAndExpiredHistoryStillReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/approved-and-expired.json", AccessRequestWorkflowImpl.class);
  }

  /** Recorded with shared-memberships version 1: grants and removals go through leases. */
  @Test
  void approvedAndExpiredWithSharedMembershipsStillReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/approved-and-expired-shared-memberships.json", AccessRequestWorkflowImpl.class);
  }

  /**
   * Recorded with approval-policy version 1: the manager stage resolved from the IdP, a reminder and an
   * escalation on the second stage, approval by the escalated person, grant and expiry.
   */
  @Test
  void approvalPolicyHistoryStillReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/approval-policy-two-stages.json", AccessRequestWorkflowImpl.class);
  }
}
