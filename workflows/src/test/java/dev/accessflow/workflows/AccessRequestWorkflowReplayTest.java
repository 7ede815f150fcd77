package dev.accessflow.workflows;

import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.Test;

/**
 * Replays committed histories against today's code: a change to the workflow's command sequence
 * that is not guarded by Workflow.getVersion fails here, before it strands running requests.
 */
class AccessRequestWorkflowReplayTest {

  @Test
  void approvedAndExpiredHistoryStillReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/approved-and-expired.json", AccessRequestWorkflowImpl.class);
  }
}
