package dev.accessflow.workflows;

import dev.accessflow.workflows.membership.GroupMembershipWorkflowImpl;
import dev.accessflow.workflows.request.AccessRequestWorkflowImpl;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replays committed histories against today's code: a change to a workflow's command sequence
 * that is not guarded by Workflow.getVersion fails here, before it strands running requests. The
 * membership workflow lives as long as any grant of its group does, so its older histories matter
 * as much as the request's; and a history whose commands differ from the code must be refused.
 */
class WorkflowHistoryReplayTest {
  private TestWorkflowEnvironment env;
  private Worker worker;

  @BeforeEach
  void worker() {
    env = TestWorkflowEnvironment.newInstance();
    // The first replay loads the workflow's classes; on a busy 2-core machine that alone took over
    // the SDK's 1 s deadlock-detection budget and failed the test for a reason unrelated to replay.
    worker = env.newWorker("replay", WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
    worker.registerWorkflowImplementationTypes(AccessRequestWorkflowImpl.class, GroupMembershipWorkflowImpl.class);
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

  /** Recorded before the standing-access check: acquire added the member at once, release removed it. */
  @Test
  void historyFromBeforeTheStandingCheckStillReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/group-membership-before-standing-check.json", worker);
  }

  /** Recorded with the check (version 1): the person was already a member, so nothing was added or removed. */
  @Test
  void standingMembershipHistoryReplays() throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource("histories/group-membership-standing.json", worker);
  }

  /** The negative case: the same history with the add turned into another activity is refused, so this test can fail. */
  @Test
  void aHistoryWhoseCommandsDifferFromTheCodeIsRefused() throws Exception {
    String json;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("histories/group-membership-before-standing-check.json")) {
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    WorkflowExecutionHistory tampered = WorkflowExecutionHistory.fromJson(
        json.replaceFirst("\"name\": *\"IdpAddMember\"", "\"name\": \"IdpIsMember\""));
    // The replayer reports it as a failed replay query whose error is the SDK's non-determinism check.
    assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(tampered, worker))
        .hasMessageContaining(NonDeterministicException.class.getName())
        .hasMessageContaining("doesn't match event EVENT_TYPE_ACTIVITY_TASK_SCHEDULED");
  }
}
