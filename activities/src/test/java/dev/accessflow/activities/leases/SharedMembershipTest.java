package dev.accessflow.activities.leases;

import java.util.Map;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.ports.NoticeDelivery;
import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import dev.accessflow.workflows.request.AccessRequestWorkflowImpl;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.membership.GroupMembershipWorkflow;
import dev.accessflow.workflows.membership.GroupMembershipWorkflowImpl;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.Histories;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingLedger;
import dev.accessflow.workflows.testing.RecordingTickets;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two requests granting the same group to the same person: neither cuts the other short; and a
 * membership that was there before any grant is never taken away. Time moves only where a test
 * says so ({@code env.sleep}); results are awaited by polling, because blocking on one workflow's
 * result lets the test server skip past the other's timers.
 */
class SharedMembershipTest {
  private static final String QUEUE = AccessflowTemporal.DEFAULT_TASK_QUEUE;
  private static final String GROUP = "00g-grafana-admins";
  private final FakeDirectory directory = new FakeDirectory()
      .withUser(AccessRequests.REQUESTER, MANAGER).withUser(MANAGER, null);
  private final RecordingTickets tickets = new RecordingTickets();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    for (var key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(directory, new TemporalMembershipLeases(env.getWorkflowClient(), QUEUE),
        new NoticeDelivery(tickets, new RecordingChat(), new RecordingLedger()));
    env.newWorker(AccessflowTemporal.idpTaskQueue(QUEUE)).registerActivitiesImplementations(directory);
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
        base.riskTier(), duration, Duration.ofDays(7), base.reason(), Channel.REST, base.route(), base.approvalTimeout(), null, RequestPolicy.NONE, Map.of(), null);
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId(requestId)).setTaskQueue(QUEUE).build());
    WorkflowClient.start(workflow::run, request);
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("e-" + requestId, MANAGER, Verdict.APPROVE, Channel.REST, null));
    awaitStatus(workflow, RequestStatus.ACTIVE);
    return workflow;
  }

  /** Polls by query: queries do not let the test server skip time, so no other timer fires meanwhile. */
  private static AccessRequestState awaitStatus(AccessRequestWorkflow workflow, RequestStatus wanted) {
    return AccessRequests.awaitStatus(workflow, wanted);
  }

  private boolean isMember() {
    return directory.isMember(GROUP, "id-dana");
  }

  /** The newest audit text of this kind, once the ticket outbox (which runs after the state change) delivered one. */
  private String lastText(AuditKind kind) {
    AccessRequests.awaitTrue("a " + kind + " entry on the ticket", () -> tickets.entries().stream().anyMatch(e -> e.kind() == kind));
    return tickets.entries().stream().filter(e -> e.kind() == kind).reduce((a, b) -> b).orElseThrow().text();
  }

  @Test
  void aDriftRemovalIsRefusedWhileARequestHoldsTheMembershipAndMadeWhenNoneDoes() {
    TemporalMembershipLeases leases = new TemporalMembershipLeases(client, QUEUE);
    grant("r-held", Duration.ofDays(7));
    assertThat(isMember()).isTrue();

    assertThatThrownBy(() -> leases.removeUnheld(new Membership("drift-1", AccessRequests.REQUESTER, "id-dana", GROUP)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.MEMBERSHIP_HELD);
          assertThat(f.getOriginalMessage()).contains("r-held");
        });
    assertThat(isMember()).isTrue();

    // Someone an admin added, whom no request holds: removed through their membership workflow.
    directory.withMembership(GROUP, MANAGER);
    assertThat(leases.removeUnheld(new Membership("drift-2", MANAGER, "id-maria", GROUP))).isNull();
    assertThat(directory.isMember(GROUP, "id-maria")).isFalse();
  }

  @Test
  void shorterGrantExpiringLeavesTheLongerOnesMembershipInPlace() {
    AccessRequestWorkflow shortGrant = grant("short", Duration.ofHours(1));
    AccessRequestWorkflow longGrant = grant("long", Duration.ofHours(6));
    assertThat(directory.calls()).filteredOn(c -> c.startsWith("add")).hasSize(1);

    env.sleep(Duration.ofHours(2)); // past the short grant's expiry, well before the long one's
    awaitStatus(shortGrant, RequestStatus.EXPIRED);
    assertThat(awaitStatus(longGrant, RequestStatus.ACTIVE).expiresAt()).isAfter(shortGrant.state().expiresAt());
    assertThat(isMember()).as("still held by the 6 h grant").isTrue();
    GroupMembershipWorkflow membership = client.newWorkflowStub(GroupMembershipWorkflow.class,
        AccessflowTemporal.membershipWorkflowId(GROUP, AccessRequests.REQUESTER));
    assertThat(membership.holders().requestIds()).containsExactly("long");

    env.sleep(Duration.ofHours(5));
    awaitStatus(longGrant, RequestStatus.EXPIRED);
    assertThat(isMember()).isFalse();
    assertThat(directory.calls()).filteredOn(c -> c.startsWith("remove")).hasSize(1);
    Histories.recordIfAsked(client, AccessflowTemporal.membershipWorkflowId(GROUP, AccessRequests.REQUESTER),
        "group-membership-shared");
  }

  @Test
  void earlyRevocationOfOneGrantDoesNotRemoveAnothersAccess() {
    AccessRequestWorkflow first = grant("first", Duration.ofHours(6));
    AccessRequestWorkflow second = grant("second", Duration.ofHours(6));

    first.revoke(new Revocation("v1", AccessRequests.REQUESTER, Channel.REST, "done"));
    awaitStatus(first, RequestStatus.REVOKED);
    assertThat(isMember()).isTrue();

    second.revoke(new Revocation("v2", AccessRequests.REQUESTER, Channel.REST, "done too"));
    awaitStatus(second, RequestStatus.REVOKED);
    assertThat(isMember()).isFalse();
  }

  @Test
  void membershipGrantedAgainAfterItWasFullyReleased() {
    AccessRequestWorkflow first = grant("once", Duration.ofHours(1));
    env.sleep(Duration.ofHours(2));
    awaitStatus(first, RequestStatus.EXPIRED);
    assertThat(isMember()).isFalse();

    AccessRequestWorkflow again = grant("twice", Duration.ofHours(1));
    assertThat(isMember()).isTrue();
    env.sleep(Duration.ofHours(2));
    awaitStatus(again, RequestStatus.EXPIRED);
    assertThat(isMember()).isFalse();
  }

  @Test
  void idpOutageDuringReleaseKeepsTheOtherHoldersLease() {
    AccessRequestWorkflow first = grant("out-1", Duration.ofHours(1));
    AccessRequestWorkflow second = grant("out-2", Duration.ofHours(6));
    second.revoke(new Revocation("v2", AccessRequests.REQUESTER, Channel.REST, "done"));
    awaitStatus(second, RequestStatus.REVOKED);
    assertThat(isMember()).isTrue();
    assertThat(first.state().status()).isEqualTo(RequestStatus.ACTIVE);

    // The IdP fails for more than one retry batch (10 tries) when the last holder lets go. Only this
    // request is left, so its result may be awaited while the test server skips the retries' timers.
    directory.failNextRemovals(12);
    AccessRequestState done = WorkflowStub.fromTyped(first).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(isMember()).isFalse();
    assertThat(done.lastError()).contains("503 Service Unavailable");
    assertThat(done.revocationLag()).isGreaterThan(Duration.ofSeconds(5));
    assertThat(lastText(AuditKind.REVOKED)).contains("after the grant ended; target 1 s: LATE (due " + done.expiresAt());
  }

  @Test
  void aMembershipThatWasThereBeforeTheGrantIsKeptWhenTheGrantEnds() {
    directory.withMembership(GROUP, AccessRequests.REQUESTER);
    AccessRequestWorkflow standing = grant("standing", Duration.ofHours(1));
    assertThat(directory.calls()).filteredOn(c -> c.startsWith("add")).isEmpty();
    assertThat(lastText(AuditKind.PROVISIONED)).contains("was already a member of " + GROUP,
        "standing access", "leaves that membership in place");

    AccessRequestState done = WorkflowStub.fromTyped(standing).getResult(AccessRequestState.class);
    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(isMember()).as("the standing membership").isTrue();
    assertThat(directory.calls()).filteredOn(c -> c.startsWith("remove")).isEmpty();
    Histories.recordIfAsked(client, AccessflowTemporal.membershipWorkflowId(GROUP, AccessRequests.REQUESTER),
        "group-membership-standing");
    assertThat(lastText(AuditKind.REVOKED)).contains("Kept " + GROUP + ": standing membership from before accessflow's grant",
        "after the grant ended; target 1 s.");

    // Once the person has left the group, a new grant adds and removes it as usual.
    directory.removeMember(new dev.accessflow.workflows.model.Membership("admin", AccessRequests.REQUESTER, "id-dana", GROUP));
    AccessRequestWorkflow fresh = grant("fresh", Duration.ofHours(1));
    assertThat(directory.calls()).filteredOn(c -> c.startsWith("add")).hasSize(1);
    WorkflowStub.fromTyped(fresh).getResult(AccessRequestState.class);
    assertThat(isMember()).isFalse();
    assertThat(lastText(AuditKind.REVOKED)).contains("Removed " + AccessRequests.REQUESTER + " from groups " + GROUP,
        "after the grant ended; target 1 s.");
  }
}
