package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static dev.accessflow.workflows.testing.AccessRequests.OWNER;
import static dev.accessflow.workflows.testing.AccessRequests.REQUESTER;
import static dev.accessflow.workflows.testing.RequestWorkflowExtension.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.StageTimings;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.common.WorkflowExecutionHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The grant from provisioning to removal: revocations racing other updates, long IdP outages, what adapters are given. */
class GrantLifecycleTest {
  private static final String SEC1 = "sec1@example.com";

  @RegisterExtension
  final RequestWorkflowExtension temporal = new RequestWorkflowExtension(new FakeDirectory()
      .withUser(REQUESTER, MANAGER).withUser(MANAGER, null).withUser(OWNER, null).withUser(SEC1, null));

  private static Decision approve(String actor, String eventId) {
    return new Decision(eventId, actor, Verdict.APPROVE, Channel.SLACK, "ok");
  }

  private AccessRequestWorkflow active(String requestId) {
    AccessRequestWorkflow workflow = temporal.submit(AccessRequests.grafanaAdmin(requestId));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(OWNER, requestId + "-ok"));
    AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);
    return workflow;
  }

  @Test
  void extendArrivingWithAnAcceptedRevokeIsRefusedAndTheGrantEnds() throws Exception {
    AccessRequestWorkflow workflow = active("race1");
    // The removal waits until the extend's answer is read: the test server forgets the answer of an
    // update refused just before its workflow completes.
    var removals = temporal.directory.holdRemovals();
    // Both updates wait for the same workflow task while no worker polls.
    temporal.env().getWorkerFactory().suspendPolling();
    CompletableFuture<UpdateOutcome> revoke = CompletableFuture.supplyAsync(
        () -> workflow.revoke(new Revocation("v1", REQUESTER, Channel.REST, "done early")));
    Thread.sleep(200);
    CompletableFuture<UpdateOutcome> extend = CompletableFuture.supplyAsync(
        () -> workflow.extend(new Extension("x1", OWNER, Channel.SLACK, Duration.ofHours(48), "more time")));
    Thread.sleep(200);
    temporal.env().getWorkerFactory().resumePolling();

    assertThat(revoke.join().status()).isEqualTo(RequestStatus.REVOKING);
    assertThatThrownBy(extend::join).rootCause().hasMessageContaining("race1 is being revoked by " + REQUESTER
        + "; it can no longer be extended");
    removals.countDown();
    AccessRequestState done = result(workflow);
    assertThat(done.status()).isEqualTo(RequestStatus.REVOKED);
    assertThat(temporal.tickets.entries()).extracting(AuditEntry::kind).doesNotContain(AuditKind.EXTENDED);
    assertThat(temporal.chat.notices()).extracting(RequesterNotice::kind).doesNotContain(AuditKind.EXTENDED);
  }

  @Test
  void twoApprovalsInOneTaskApplyOnceAndTheSecondIsRefused() throws Exception {
    AccessRequestWorkflow workflow = temporal.submit(AccessRequests.grafanaAdmin("race3"));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    temporal.env().getWorkerFactory().suspendPolling();
    CompletableFuture<UpdateOutcome> first = CompletableFuture.supplyAsync(() -> workflow.decide(approve(OWNER, "d1")));
    Thread.sleep(200);
    CompletableFuture<UpdateOutcome> second = CompletableFuture.supplyAsync(() -> workflow.decide(approve(MANAGER, "d2")));
    Thread.sleep(200);
    temporal.env().getWorkerFactory().resumePolling();

    assertThat(first.join().status()).isEqualTo(RequestStatus.APPROVED);
    // Refused whether it shared the first one's task (the handler checks again) or came in the next.
    assertThatThrownBy(second::join).rootCause().hasMessageContaining("race3 is already")
        .hasMessageContaining("last decision: APPROVE by " + OWNER);
    AccessRequestState active = AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);
    assertThat(active.decisions()).extracting(d -> d.actor()).containsExactly(OWNER);
  }

  @Test
  void revokeAcceptedWhileProvisioningGrantsNothingAndTellsNobodyItIsActive() {
    AccessRequestWorkflow workflow = temporal.submit(AccessRequests.grafanaAdmin("race2"));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    var adds = temporal.directory.holdAdds();
    workflow.decide(approve(OWNER, "a1"));
    AccessRequests.awaitStatus(workflow, RequestStatus.PROVISIONING);
    workflow.revoke(new Revocation("v2", OWNER, Channel.SLACK, "wrong person"));
    adds.countDown();

    AccessRequestState done = result(workflow);
    assertThat(done.status()).isEqualTo(RequestStatus.REVOKED);
    assertThat(done.grantedAt()).isNull();
    assertThat(temporal.directory.isMember("00g-grafana-admins", "id-dana")).isFalse();
    assertThat(temporal.directory.isMember("00g-prod-readers", "id-dana")).isFalse();
    assertThat(temporal.tickets.entries()).extracting(AuditEntry::kind).doesNotContain(AuditKind.PROVISIONED);
    assertThat(temporal.chat.notices()).extracting(RequesterNotice::kind).doesNotContain(AuditKind.PROVISIONED);
    assertThat(temporal.tickets.entries()).last().satisfies(e -> assertThat(e.text()).isEqualTo(
        "Revoked by " + OWNER + " via SLACK: wrong person before the grant took effect: the memberships added meanwhile"
            + " were removed again."));
  }

  @Test
  void sevenDayIdpOutageEndsWithTheMembershipRemovedAndNoRunOverTenThousandEvents() {
    AccessRequestWorkflow workflow = active("outage7");
    Instant expiry = workflow.state().expiresAt();
    Instant outageEnds = expiry.plus(Duration.ofDays(7));
    temporal.directory.failRemovalsUntil(outageEnds, temporal.env()::currentTimeMillis);

    AccessRequestState done = result(workflow);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(temporal.directory.isMember("00g-grafana-admins", "id-dana")).isFalse();
    assertThat(temporal.directory.isMember("00g-prod-readers", "id-dana")).isFalse();
    assertThat(done.lastError()).contains("503 Service Unavailable");
    // Retried less often as the outage ages, so the IdP is not hammered: at most 10 min after it is back.
    assertThat(done.revokedAt()).isAfterOrEqualTo(outageEnds).isBefore(outageEnds.plus(Duration.ofMinutes(11)));
    List<Integer> requestRuns = runLengths(AccessflowTemporal.workflowId("outage7"));
    List<Integer> removalRuns = runLengths(AccessflowTemporal.removalWorkflowId("outage7", "end"));
    System.out.printf("7-day outage: request %s events, removal %d runs of %s events%n", requestRuns,
        removalRuns.size(), removalRuns);
    assertThat(requestRuns).singleElement().satisfies(n -> assertThat(n).isLessThan(300));
    assertThat(removalRuns).hasSizeGreaterThan(1).allSatisfy(n -> assertThat(n).isLessThan(10_000));
  }

  @Test
  void outcomeEditsCarryTheDecisionTheyReport() {
    AccessRequestWorkflow workflow = active("edit1");
    result(workflow);
    assertThat(temporal.chat.outcomes()).extracting(n -> n.kind() + " " + (n.decision() == null ? null : n.decision().actor()))
        .contains("PROVISIONED " + OWNER, "REVOKED " + OWNER);
  }

  @Test
  void unreviewedBreakGlassIsRemindedABoundedNumberOfTimes() {
    AccessRequest request = AccessRequests.withRoute("bg-cap", List.of(ApprovalStage.anyOf("security review", List.of(SEC1))))
        .withPolicy(new RequestPolicy(List.of(), null, false, true, new StageTimings(Duration.ofHours(1), null, null)));
    AccessRequestWorkflow workflow = temporal.submit(request);
    AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);
    temporal.env().sleep(Duration.ofDays(3));
    AccessRequests.awaitTrue("the reminders went out",
        () -> temporal.chat.reminders().size() >= ApprovalRun.MAX_REVIEW_REMINDERS);
    temporal.env().sleep(Duration.ofDays(3));
    AccessRequestState waiting = AccessRequests.awaitStatus(workflow, RequestStatus.EXPIRED);
    assertThat(waiting.breakGlassUnreviewed()).isTrue();
    assertThat(temporal.chat.reminders()).hasSize(ApprovalRun.MAX_REVIEW_REMINDERS);
    workflow.decide(approve(SEC1, "rev"));
    assertThat(result(workflow).breakGlassUnreviewed()).isFalse();
  }

  /** Events per run of a workflow id, oldest run first, following the continue-as-new chain. */
  private List<Integer> runLengths(String workflowId) {
    List<Integer> lengths = new ArrayList<>();
    String runId = null;
    do {
      WorkflowExecutionHistory history = runId == null ? temporal.client().fetchHistory(workflowId)
          : temporal.client().fetchHistory(workflowId, runId);
      List<HistoryEvent> events = history.getEvents();
      lengths.add(0, events.size());
      runId = events.get(0).getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    } while (!runId.isEmpty());
    return lengths;
  }
}
