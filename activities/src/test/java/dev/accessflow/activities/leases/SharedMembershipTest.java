package dev.accessflow.activities.leases;

import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessRequest;
import dev.accessflow.workflows.AccessRequestState;
import dev.accessflow.workflows.AccessRequestWorkflow;
import dev.accessflow.workflows.AccessRequestWorkflowImpl;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.Channel;
import dev.accessflow.workflows.Decision;
import dev.accessflow.workflows.GroupMembershipWorkflow;
import dev.accessflow.workflows.GroupMembershipWorkflowImpl;
import dev.accessflow.workflows.RequestStatus;
import dev.accessflow.workflows.Revocation;
import dev.accessflow.workflows.Verdict;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingTickets;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two requests granting the same group to the same person: neither cuts the other short. */
class SharedMembershipTest {
  private static final String QUEUE = AccessflowTemporal.DEFAULT_TASK_QUEUE;
  private static final String GROUP = "00g-grafana-admins";
  private final FakeDirectory directory = new FakeDirectory()
      .withUser(AccessRequests.REQUESTER, MANAGER).withUser(MANAGER, null);
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    for (var key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessRequestWorkflowImpl.class, GroupMembershipWorkflowImpl.class);
    worker.registerActivitiesImplementations(directory, new TemporalMembershipLeases(env.getWorkflowClient(), QUEUE),
        new RecordingTickets(), new RecordingChat());
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private AccessRequestWorkflow grant(String requestId, Duration duration) {
    AccessRequest base = AccessRequests.grafanaAdmin(requestId);
    AccessRequest request = new AccessRequest(requestId, base.requester(), base.app(), base.role(), List.of(GROUP),
        base.riskTier(), duration, Duration.ofDays(7), base.reason(), Channel.REST, base.route(), base.approvalTimeout(), null);
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId(requestId)).setTaskQueue(QUEUE).build());
    WorkflowClient.start(workflow::run, request);
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("e-" + requestId, MANAGER, Verdict.APPROVE, Channel.REST, null));
    awaitStatus(workflow, RequestStatus.ACTIVE);
    return workflow;
  }

  private static void awaitStatus(AccessRequestWorkflow workflow, RequestStatus wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (workflow.state().status() != wanted && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(workflow.state().status()).isEqualTo(wanted);
  }

  private boolean isMember() {
    return directory.isMember(GROUP, "id-dana");
  }

  @Test
  void shorterGrantExpiringLeavesTheLongerOnesMembershipInPlace() {
    AccessRequestWorkflow shortGrant = grant("short", Duration.ofHours(1));
    AccessRequestWorkflow longGrant = grant("long", Duration.ofHours(6));
    assertThat(directory.calls()).filteredOn(c -> c.startsWith("add")).hasSize(1);

    AccessRequestState shortDone = WorkflowStub.fromTyped(shortGrant).getResult(AccessRequestState.class);
    assertThat(shortDone.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(isMember()).as("still held by the 6 h grant").isTrue();
    GroupMembershipWorkflow membership = client.newWorkflowStub(GroupMembershipWorkflow.class,
        AccessflowTemporal.membershipWorkflowId(GROUP, AccessRequests.REQUESTER));
    assertThat(membership.holders().requestIds()).containsExactly("long");

    AccessRequestState longDone = WorkflowStub.fromTyped(longGrant).getResult(AccessRequestState.class);
    assertThat(longDone.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(isMember()).isFalse();
    assertThat(directory.calls()).filteredOn(c -> c.startsWith("remove")).hasSize(1);
  }

  @Test
  void earlyRevocationOfOneGrantDoesNotRemoveAnothersAccess() {
    AccessRequestWorkflow first = grant("first", Duration.ofHours(6));
    AccessRequestWorkflow second = grant("second", Duration.ofHours(6));

    first.revoke(new Revocation("v1", AccessRequests.REQUESTER, Channel.REST, "done"));
    // Polled, not getResult: blocking on a result lets the test server skip time, and a skip to the
    // next timer would expire the second grant before this test revokes it.
    awaitStatus(first, RequestStatus.REVOKED);
    assertThat(isMember()).isTrue();

    second.revoke(new Revocation("v2", AccessRequests.REQUESTER, Channel.REST, "done too"));
    assertThat(WorkflowStub.fromTyped(second).getResult(AccessRequestState.class).status()).isEqualTo(RequestStatus.REVOKED);
    assertThat(isMember()).isFalse();
  }

  @Test
  void membershipGrantedAgainAfterItWasFullyReleased() {
    AccessRequestWorkflow first = grant("once", Duration.ofHours(1));
    WorkflowStub.fromTyped(first).getResult(AccessRequestState.class);
    assertThat(isMember()).isFalse();

    AccessRequestWorkflow again = grant("twice", Duration.ofHours(1));
    assertThat(isMember()).isTrue();
    WorkflowStub.fromTyped(again).getResult(AccessRequestState.class);
    assertThat(isMember()).isFalse();
  }

  @Test
  void idpOutageDuringReleaseKeepsTheOtherHoldersLease() {
    AccessRequestWorkflow first = grant("out-1", Duration.ofHours(1));
    AccessRequestWorkflow second = grant("out-2", Duration.ofHours(6));
    second.revoke(new Revocation("v2", AccessRequests.REQUESTER, Channel.REST, "done"));
    WorkflowStub.fromTyped(second).getResult(AccessRequestState.class);
    assertThat(isMember()).isTrue();

    // The IdP fails for more than one retry batch (6 tries) when the last holder lets go.
    directory.failNextRemovals(8);
    AccessRequestState done = WorkflowStub.fromTyped(first).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(isMember()).isFalse();
    assertThat(done.lastError()).contains("503 Service Unavailable");
    assertThat(done.revocationLag()).isGreaterThan(Duration.ofSeconds(5));
  }
}
