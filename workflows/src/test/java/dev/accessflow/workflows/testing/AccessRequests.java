package dev.accessflow.workflows.testing;

import java.util.Map;
import dev.accessflow.workflows.model.RequestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.RequestStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.List;

/** Ready-made requests for tests. */
public final class AccessRequests {
  private AccessRequests() {}

  public static final String REQUESTER = "dana@example.com";
  public static final String MANAGER = "maria@example.com";
  public static final String OWNER = "omar@example.com";

  /** Dana asks for 24 h of grafana admin, approved by any one of maria or omar. */
  public static AccessRequest grafanaAdmin(String requestId) {
    return new AccessRequest(requestId, REQUESTER, "grafana", "admin", List.of("00g-grafana-admins", "00g-prod-readers"),
        "high", Duration.ofHours(24), Duration.ofDays(7), "incident INC-42 needs dashboard edits", Channel.REST,
        List.of(ApprovalStage.anyOf("owner", List.of(MANAGER, OWNER))), Duration.ofHours(72), null, RequestPolicy.NONE, Map.of(), null);
  }

  public static AccessRequest withRoute(String requestId, List<ApprovalStage> route) {
    AccessRequest r = grafanaAdmin(requestId);
    return new AccessRequest(r.requestId(), r.requester(), r.app(), r.role(), r.groups(), r.riskTier(), r.duration(),
        r.maxDuration(), r.reason(), r.source(), route, r.approvalTimeout(), r.ticketKey(), RequestPolicy.NONE, Map.of(), null);
  }

  /** Starts the request's workflow on the queue, under its production workflow id. */
  public static AccessRequestWorkflow start(WorkflowClient client, String queue, AccessRequest request) {
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId(request.requestId()))
        .setTaskQueue(queue)
        // As the gateway starts it: the operator's search attributes are kept only for such a start.
        .setTypedSearchAttributes(AccessflowTemporal.startAttributes(request))
        .build());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }

  /**
   * Polls the state query until the request reaches the status, and returns that state. Queries do
   * not let the test server skip time, so no timer fires while this waits; the 30 s of wall time
   * are for a busy machine, a passing test takes milliseconds.
   */
  public static AccessRequestState awaitStatus(AccessRequestWorkflow workflow, RequestStatus wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    AccessRequestState state = workflow.state();
    while (state.status() != wanted && System.nanoTime() < deadline) {
      pause();
      state = workflow.state();
    }
    assertThat(state.status()).isEqualTo(wanted);
    return state;
  }

  /** Waits until the condition holds (30 s of wall time at most), and fails the test if it never does. */
  public static void awaitTrue(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      pause();
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
  }

  /** A short sleep between polls: a spin would take the CPU the worker needs on a 2-core machine. */
  private static void pause() {
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
