package dev.accessflow.activities.leases;

import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.ports.NoticeDelivery;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingLedger;
import dev.accessflow.workflows.testing.RecordingTickets;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A lease activity holds an activity slot while it waits on the membership workflow, and that
 * workflow's IdP call needs a slot too. With the IdP calls on the main queue, a worker whose slots
 * were all held by waiting leases never made the IdP call and deadlocked (the bench's idp-down run:
 * 200 slots, more removals waiting than that). Here the main queue has a single slot: the grant
 * still goes through, because the membership workflow's IdP calls run on their own queue.
 */
class LeaseActivitySlotsTest {
  private static final String QUEUE = AccessflowTemporal.DEFAULT_TASK_QUEUE;
  private static final String GROUP = "00g-grafana-admins";
  private final FakeDirectory directory = new FakeDirectory()
      .withUser(AccessRequests.REQUESTER, MANAGER).withUser(MANAGER, null);
  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    for (var key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    Worker worker = env.newWorker(QUEUE, WorkerOptions.newBuilder().setMaxConcurrentActivityExecutionSize(1).build());
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(directory, new TemporalMembershipLeases(env.getWorkflowClient(), QUEUE),
        new NoticeDelivery(new RecordingTickets(), new RecordingChat(), new RecordingLedger()));
    env.newWorker(AccessflowTemporal.idpTaskQueue(QUEUE), WorkerOptions.newBuilder()
        .setMaxConcurrentActivityExecutionSize(1).build()).registerActivitiesImplementations(directory);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void aGrantGoesThroughWhenItsLeaseHoldsTheOnlyActivitySlot() {
    AccessRequest base = AccessRequests.grafanaAdmin("slots");
    AccessRequest request = new AccessRequest("slots", base.requester(), base.app(), base.role(), List.of(GROUP),
        base.riskTier(), Duration.ofHours(1), Duration.ofDays(7), base.reason(), Channel.REST, base.route(),
        base.approvalTimeout(), null, RequestPolicy.NONE, Map.of(), null);
    WorkflowClient client = env.getWorkflowClient();
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId("slots")).setTaskQueue(QUEUE).build());
    WorkflowClient.start(workflow::run, request);
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("e-slots", MANAGER, Verdict.APPROVE, Channel.REST, null));

    AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);
    assertThat(directory.isMember(GROUP, "id-dana")).isTrue();
  }
}
