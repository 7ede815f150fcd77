package dev.accessflow.workflows;

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
 * The membership workflow lives as long as any grant of its group does, so histories recorded by
 * older code are replayed by newer code: these must keep replaying, and a history whose commands
 * differ from the code's must not.
 */
class GroupMembershipWorkflowReplayTest {
  private TestWorkflowEnvironment env;
  private Worker worker;

  @BeforeEach
  void worker() {
    env = TestWorkflowEnvironment.newInstance();
    worker = env.newWorker("replay", WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
    worker.registerWorkflowImplementationTypes(GroupMembershipWorkflowImpl.class);
  }

  @AfterEach
  void close() {
    env.close();
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
