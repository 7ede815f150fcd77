package dev.accessflow.workflows.request;

import java.util.Map;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.model.Revocation;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;

import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static dev.accessflow.workflows.testing.AccessRequests.OWNER;
import static dev.accessflow.workflows.testing.AccessRequests.REQUESTER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.DirectLeases;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.Histories;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingTickets;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AccessRequestWorkflowTest {
  private static final String QUEUE = RequestWorkflowExtension.QUEUE;

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  @RegisterExtension
  final RequestWorkflowExtension temporal = new RequestWorkflowExtension(new FakeDirectory()
      .withUser(REQUESTER, MANAGER).withUser(MANAGER, null).withUser(OWNER, null));
  private final FakeDirectory directory = temporal.directory;
  private final RecordingTickets tickets = temporal.tickets;
  private final RecordingChat chat = temporal.chat;

  @BeforeEach
  void start() {
    env = temporal.env();
    client = temporal.client();
  }

  private AccessRequestWorkflow submit(AccessRequest request) {
    return AccessRequests.start(client, QUEUE, request);
  }

  private static AccessRequestState awaitStatus(AccessRequestWorkflow workflow, RequestStatus wanted) {
    return AccessRequests.awaitStatus(workflow, wanted);
  }

  /** Waits for the request to be pending, has the manager approve it, and waits until it is ACTIVE. */
  private static AccessRequestState approvedAndActive(AccessRequestWorkflow workflow) {
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(MANAGER, "e1"));
    return awaitStatus(workflow, RequestStatus.ACTIVE);
  }

  private static Decision approve(String actor, String eventId) {
    return new Decision(eventId, actor, Verdict.APPROVE, Channel.SLACK, "ok for the incident");
  }

  private static AccessRequestState result(AccessRequestWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);
  }

  @Test
  void approvedGrantIsProvisionedAndRemovedAtExpiry() {
    long wallStart = System.nanoTime();
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r1"));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);

    UpdateOutcome outcome = workflow.decide(approve(OWNER, "slack-1"));
    assertThat(outcome.status()).isEqualTo(RequestStatus.APPROVED);

    AccessRequestState active = awaitStatus(workflow, RequestStatus.ACTIVE);
    assertThat(directory.isMember("00g-grafana-admins", "id-dana")).isTrue();
    assertThat(directory.isMember("00g-prod-readers", "id-dana")).isTrue();
    assertThat(Duration.between(active.grantedAt(), active.expiresAt())).isEqualTo(Duration.ofHours(24));

    AccessRequestState done = result(workflow);
    double wallSeconds = (System.nanoTime() - wallStart) / 1e9;

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(directory.isMember("00g-grafana-admins", "id-dana")).isFalse();
    assertThat(directory.isMember("00g-prod-readers", "id-dana")).isFalse();
    assertThat(done.revokedAt()).isAfterOrEqualTo(done.expiresAt());
    assertThat(done.revocationLag()).isLessThanOrEqualTo(GrantSteps.REVOCATION_TARGET);
    assertThat(done.decisions()).extracting(RecordedDecision::actor).containsExactly(OWNER);
    assertThat(done.ticketKey()).isEqualTo("ACC-r1");
    assertThat(done.ticketBacklog()).isZero();
    assertThat(tickets.entries()).extracting(AuditEntry::kind).containsExactly(
        AuditKind.SUBMITTED, AuditKind.DECISION, AuditKind.APPROVED, AuditKind.PROVISIONED,
        AuditKind.EXPIRY_SCHEDULED, AuditKind.REVOKED);
    assertThat(tickets.entries()).extracting(AuditEntry::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(chat.prompts()).singleElement().satisfies(p -> assertThat(p.approvers()).containsExactly(MANAGER, OWNER));
    assertThat(chat.edits()).contains("D-" + MANAGER + "/r1.1: PROVISIONED", "D-" + OWNER + "/r1.1: REVOKED");
    // The requester is shown the route at submission, then told of the grant and its end.
    assertThat(chat.notices()).extracting(RequesterNotice::kind)
        .containsExactly(AuditKind.SUBMITTED, AuditKind.PROVISIONED, AuditKind.REVOKED);
    assertThat(chat.notices().get(0).text()).contains("Route: 'owner' (any of maria@example.com, omar@example.com)");
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("r1"), "approved-and-expired");
    // A 24 h grant, from submission to removal, on skipped time.
    // A figure, not a pass mark: wall time depends on the machine.
    System.out.printf("24h grant lifecycle took %.3f s of wall time%n", wallSeconds);
  }

  @Test
  void decisionArrivingWhileTheRequesterIsStillBeingResolvedIsKept() {
    var gate = directory.holdResolution();
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r14"));
    awaitStatus(workflow, RequestStatus.SUBMITTED);

    UpdateOutcome outcome = workflow.decide(approve(OWNER, "early-click"));
    gate.countDown();

    assertThat(outcome.status()).isEqualTo(RequestStatus.APPROVED);
    awaitStatus(workflow, RequestStatus.ACTIVE);
    // Already decided: nobody is asked to approve afterwards.
    assertThat(chat.prompts()).isEmpty();
  }

  @Test
  void deniedRequestGrantsNothing() {
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r2"));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);

    UpdateOutcome outcome = workflow.decide(new Decision("jira-9", MANAGER, Verdict.DENY, Channel.JIRA, "use the viewer role"));

    assertThat(outcome.status()).isEqualTo(RequestStatus.DENIED);
    AccessRequestState done = result(workflow);
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("r2"), "denied");
    assertThat(done.status()).isEqualTo(RequestStatus.DENIED);
    assertThat(directory.calls()).isEmpty();
    assertThat(tickets.entries()).last().satisfies(e -> {
      assertThat(e.kind()).isEqualTo(AuditKind.DENIED);
      assertThat(e.text()).contains(MANAGER, "JIRA", "use the viewer role");
    });
    assertThat(chat.edits()).containsExactly("D-" + MANAGER + "/r2.1: DENIED", "D-" + OWNER + "/r2.1: DENIED");
  }

  @Test
  void requestWithoutDecisionTimesOutAfterSeventyTwoHours() {
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r3"));
    AccessRequestState done = result(workflow);
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("r3"), "approval-timed-out");

    assertThat(done.status()).isEqualTo(RequestStatus.APPROVAL_TIMED_OUT);
    assertThat(Duration.between(done.submittedAt(), Instant.ofEpochMilli(env.currentTimeMillis())))
        .isGreaterThanOrEqualTo(Duration.ofHours(72));
    assertThat(directory.calls()).isEmpty();
    assertThat(chat.notices()).extracting(RequesterNotice::kind).containsExactly(AuditKind.SUBMITTED, AuditKind.APPROVAL_TIMED_OUT);
    assertThat(chat.notices().get(1).text())
        .isEqualTo("Stage 'owner' got no decision within PT72H; the request expired. Nothing was granted.");
  }

  @Test
  void duplicateDecisionIsAppliedOnce() {
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r4"));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);

    UpdateOutcome first = workflow.decide(approve(OWNER, "slack-click-1"));
    UpdateOutcome redelivered = workflow.decide(approve(OWNER, "slack-click-1"));

    assertThat(redelivered).isEqualTo(first);
    assertThatThrownBy(() -> workflow.decide(approve(MANAGER, "jira-hook-7")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("already").hasMessageContaining("APPROVE by " + OWNER + " via SLACK");
    AccessRequestState state = awaitStatus(workflow, RequestStatus.ACTIVE);
    assertThat(state.decisions()).hasSize(1);
    assertThat(directory.calls()).filteredOn(c -> c.startsWith("add")).hasSize(2);
  }

  @Test
  void selfApprovalIsRejectedAndLeavesNoTraceInHistory() {
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("r5",
        List.of(ApprovalStage.anyOf("manager", List.of(MANAGER, REQUESTER)))));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);

    assertThatThrownBy(() -> workflow.decide(approve(REQUESTER, "slack-self")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining(REQUESTER + " requested this access and cannot approve or deny it");
    assertThatThrownBy(() -> workflow.decide(approve("mallory@example.com", "slack-x")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("mallory@example.com is not an approver of stage 'manager'");

    var history = client.fetchHistory(AccessflowTemporal.workflowId("r5")).getEvents();
    assertThat(history).noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
    assertThat(workflow.state().status()).isEqualTo(RequestStatus.PENDING_APPROVAL);
    assertThat(workflow.state().decisions()).isEmpty();
    // The requester is never asked to approve their own request (prompts go out on the chat outbox, after the status).
    AccessRequests.awaitTrue("the approvers asked", () -> !chat.prompts().isEmpty());
    assertThat(chat.prompts()).singleElement().satisfies(p -> assertThat(p.approvers()).containsExactly(MANAGER));
  }

  @Test
  void multiStageRouteNeedsEveryStageAndOnePersonCannotSatisfyTwo() {
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("r6", List.of(
        ApprovalStage.anyOf("app owner", List.of(OWNER, MANAGER)),
        ApprovalStage.of("security", List.of("sec1@example.com", "sec2@example.com", OWNER), 2))));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);

    assertThat(workflow.decide(approve(OWNER, "e1")).message()).contains("stage 'app owner' complete");
    assertThatThrownBy(() -> workflow.decide(approve(OWNER, "e2")))
        .rootCause().hasMessageContaining("already approved this request at stage 'app owner'");
    assertThat(workflow.decide(approve("sec1@example.com", "e3")).message()).contains("approval 1 of 2");
    assertThat(workflow.state().status()).isEqualTo(RequestStatus.PENDING_APPROVAL);
    assertThat(workflow.decide(approve("sec2@example.com", "e4")).status()).isEqualTo(RequestStatus.APPROVED);

    awaitStatus(workflow, RequestStatus.ACTIVE);
    AccessRequests.awaitTrue("both stages asked", () -> chat.prompts().size() >= 2);
    assertThat(chat.prompts()).extracting(p -> p.stage().name()).containsExactly("app owner", "security");
  }

  @Test
  void extendMovesExpiryWithinTheRoleMaximum() {
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r7"));
    AccessRequestState active = approvedAndActive(workflow);

    assertThatThrownBy(() -> workflow.extend(new Extension("x1", MANAGER, Channel.REST, Duration.ofDays(8), null)))
        .rootCause().hasMessageContaining("PT192H is over the role's maximum of PT168H");
    // The requester's own extension goes through the route again (ApprovalPolicyWorkflowTest); outsiders may not.
    assertThatThrownBy(() -> workflow.extend(new Extension("x2", "sam@example.com", Channel.REST, Duration.ofHours(48), null)))
        .rootCause().hasMessageContaining("sam@example.com may not extend request r7: only its approvers can");

    UpdateOutcome outcome = workflow.extend(new Extension("x3", MANAGER, Channel.SLACK, Duration.ofHours(48), "migration slipped"));
    assertThat(outcome.status()).isEqualTo(RequestStatus.ACTIVE);
    assertThat(workflow.state().expiresAt()).isEqualTo(active.grantedAt().plus(Duration.ofHours(48)));

    AccessRequestState done = result(workflow);
    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(done.revokedAt()).isAfterOrEqualTo(active.grantedAt().plus(Duration.ofHours(48)));
    assertThat(tickets.entries()).extracting(AuditEntry::kind).contains(AuditKind.EXTENDED);
  }

  @Test
  void oneEventIdUsedForADecisionAndThenAnExtensionAppliesBoth() {
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r7k"));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(MANAGER, "same-key"));
    AccessRequestState active = awaitStatus(workflow, RequestStatus.ACTIVE);

    // The same id on another kind of update is a new event, not a redelivery of the decision.
    UpdateOutcome extended = workflow.extend(new Extension("same-key", MANAGER, Channel.REST, Duration.ofHours(48), null));
    assertThat(extended.message()).startsWith("expires at");
    assertThat(workflow.state().expiresAt()).isEqualTo(active.grantedAt().plus(Duration.ofHours(48)));
    // A redelivery of the extension itself is still answered once, with the first answer.
    assertThat(workflow.extend(new Extension("same-key", MANAGER, Channel.REST, Duration.ofHours(72), null)))
        .isEqualTo(extended);
    assertThat(workflow.state().expiresAt()).isEqualTo(active.grantedAt().plus(Duration.ofHours(48)));
  }

  @Test
  void revokeNowRemovesAccessBeforeExpiry() {
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r8"));
    AccessRequestState active = approvedAndActive(workflow);

    assertThatThrownBy(() -> workflow.revoke(new Revocation("v0", "mallory@example.com", Channel.REST, "because")))
        .rootCause().hasMessageContaining("only the requester or its approvers");
    assertThat(workflow.revoke(new Revocation("v1", REQUESTER, Channel.REST, "done early")).status())
        .isEqualTo(RequestStatus.REVOKING);

    AccessRequestState done = result(workflow);
    assertThat(done.status()).isEqualTo(RequestStatus.REVOKED);
    assertThat(done.revokedAt()).isBefore(active.expiresAt());
    assertThat(directory.isMember("00g-grafana-admins", "id-dana")).isFalse();
    assertThat(tickets.entries()).last().satisfies(e -> assertThat(e.text()).contains("Revoked early by " + REQUESTER));
  }

  @Test
  void revocationOutlastsAnIdpOutageAndRecordsHowLateItWas() {
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r9"));
    approvedAndActive(workflow);
    // Many failed tries per group: the IdP is down for minutes.
    directory.failNextRemovals(2 * 6 * 2 + 3);

    AccessRequestState done = result(workflow);
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("r9"), "removal-through-an-outage");
    Histories.recordIfAsked(client, AccessflowTemporal.removalWorkflowId("r9", "end"), "membership-removal-through-an-outage");

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(directory.isMember("00g-grafana-admins", "id-dana")).isFalse();
    assertThat(directory.isMember("00g-prod-readers", "id-dana")).isFalse();
    // 27 failed tries: over the overdue mark, yet the first minutes of an outage retry every half second.
    assertThat(done.revocationLag()).isGreaterThan(GrantSteps.OVERDUE_AFTER).isLessThan(Duration.ofSeconds(30));
    assertThat(done.revocationOverdueSince()).isNull();
    assertThat(done.lastError()).contains("503 Service Unavailable");
    assertThat(tickets.entries()).extracting(AuditEntry::kind)
        .containsSubsequence(AuditKind.REVOCATION_OVERDUE, AuditKind.REVOKED);
    assertThat(tickets.entries()).last().satisfies(e -> assertThat(e.text()).contains("LATE (due " + done.expiresAt()));
  }

  @Test
  void unknownRequesterFailsBeforeAnyApproverIsAsked() {
    AccessRequest request = AccessRequests.grafanaAdmin("r10");
    AccessRequestWorkflow workflow = submit(new AccessRequest(request.requestId(), "ghost@example.com", request.app(),
        request.role(), request.groups(), request.riskTier(), request.duration(), request.maxDuration(), request.reason(),
        request.source(), request.route(), request.approvalTimeout(), null, RequestPolicy.NONE, Map.of(), null));

    AccessRequestState done = result(workflow);

    assertThat(done.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(done.lastError()).contains("ghost@example.com could not be resolved", "no IdP user with login ghost@example.com");
    assertThat(chat.prompts()).isEmpty();
  }

  @Test
  void grantRefusedForOneGroupRollsBackTheOthers() {
    directory.refuseGroup("00g-prod-readers");
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r11"));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(OWNER, "e1"));

    AccessRequestState done = result(workflow);

    assertThat(done.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(done.lastError()).contains("group 00g-prod-readers: E0000006");
    assertThat(directory.isMember("00g-grafana-admins", "id-dana")).isFalse();
    assertThat(directory.calls()).contains("remove 00g-grafana-admins " + REQUESTER);
    // Only what was added is taken back: the refused group was never granted, so it is left alone.
    assertThat(directory.calls()).doesNotContain("remove 00g-prod-readers " + REQUESTER);
  }

  @Test
  void ticketOutageDelaysCommentsButNotAccessAndLosesNone() {
    tickets.failNextCalls(5);
    AccessRequestWorkflow workflow = submit(AccessRequests.grafanaAdmin("r12"));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(OWNER, "e1"));
    awaitStatus(workflow, RequestStatus.ACTIVE);

    AccessRequestState done = result(workflow);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(tickets.entries()).extracting(AuditEntry::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void routeWithoutStagesIsApprovedByPolicy() {
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("r13", List.of()));
    AccessRequestState done = result(workflow);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(done.decisions()).singleElement().satisfies(d -> {
      assertThat(d.channel()).isEqualTo(Channel.SYSTEM);
      assertThat(d.comment()).contains("no approval required");
    });
  }
}
