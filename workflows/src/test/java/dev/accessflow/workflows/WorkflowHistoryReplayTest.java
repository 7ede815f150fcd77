package dev.accessflow.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays committed histories against today's code: a change to a workflow's command sequence that
 * is not guarded by Workflow.getVersion fails here, before it strands running requests. One history
 * per path of the request (recorded by the test named in {@code testing.Histories}), the removal
 * child, and the membership workflow, which lives as long as any grant of its group does; and a
 * history whose commands differ from the code must be refused.
 */
class WorkflowHistoryReplayTest {
  /** Every file under histories/; a new path of the workflow gets its history added here. */
  static List<String> histories() {
    return List.of("approved-and-expired", "denied", "approval-timed-out", "approval-policy-two-stages",
        "break-glass-reviewed", "extension-through-the-route", "removal-through-an-outage",
        "membership-removal-through-an-outage", "group-membership-shared",
        "group-membership-standing", "timer-race-reminder", "timer-race-expiry-warning",
        "timer-race-expiry-warning-named-timers", "revoked-with-operator-attributes",
        "removal-overdue-with-operator-attributes",
        "ledger-approved-and-expired", "ledger-through-an-outage", "inventory-sync", "inventory-changes",
        "review-campaign", "review-schedule", "reclaim-run", "reclaim-run-cancels-its-timer",
        "review-campaign-cancels-its-timer", "inventory-changes-cancels-its-timer");
  }

  private TestWorkflowEnvironment env;
  private Worker worker;

  @BeforeEach
  void worker() {
    env = TestWorkflowEnvironment.newInstance();
    // The first replay loads the workflow's classes; on a busy 2-core machine that alone took over
    // the SDK's 1 s deadlock-detection budget and failed the test for a reason unrelated to replay.
    worker = env.newWorker("replay", WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(30_000).build());
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
  }

  @AfterEach
  void close() {
    env.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void committedHistoryReplays(String name) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(history(name), worker);
  }

  @Test
  void everyCommittedHistoryIsReplayed() throws IOException {
    try (InputStream listing = getClass().getClassLoader().getResourceAsStream("histories")) {
      String[] files = new String(listing.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      assertThat(List.of(files)).map(f -> f.replace(".json", "")).containsExactlyInAnyOrderElementsOf(histories());
    }
  }

  /** The negative case: the happy path with its first activity turned into another is refused, so this test can fail. */
  @Test
  void aHistoryWhoseCommandsDifferFromTheCodeIsRefused() throws Exception {
    String json = json("approved-and-expired");
    assertThat(json).contains("\"IdpResolveUser\"");
    WorkflowExecutionHistory tampered = WorkflowExecutionHistory.fromJson(
        json.replaceFirst("\"name\": *\"IdpResolveUser\"", "\"name\": \"IdpIsMember\""));
    // The replayer reports it as a failed replay query whose error is the SDK's non-determinism check.
    assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(tampered, worker))
        .hasMessageContaining(NonDeterministicException.class.getName())
        .hasMessageContaining("doesn't match event EVENT_TYPE_ACTIVITY_TASK_SCHEDULED");
  }

  private WorkflowExecutionHistory history(String name) throws IOException {
    return WorkflowExecutionHistory.fromJson(json(name));
  }

  private String json(String name) throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("histories/" + name + ".json")) {
      assertThat(in).as("histories/" + name + ".json").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
