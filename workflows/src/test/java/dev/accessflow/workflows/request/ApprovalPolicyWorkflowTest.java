package dev.accessflow.workflows.request;

import java.util.Map;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.StageTimings;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;

import dev.accessflow.workflows.AccessflowTemporal;

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
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Approval policy (workflow version approval-policy 1): routes, separation of duties, timings, auto-approval, break-glass.
 * Each test is bounded: one full-suite run once hung in an update call against the time-skipping test server.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ApprovalPolicyWorkflowTest {
  private static final String QUEUE = RequestWorkflowExtension.QUEUE;
  static final String BUDGET = "bea@example.com";
  static final String SEC1 = "sec1@example.com";
  static final String SEC2 = "sec2@example.com";
  static final String BOSS = "boss@example.com";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  @RegisterExtension
  final RequestWorkflowExtension temporal = new RequestWorkflowExtension(new FakeDirectory()
      .withUser(REQUESTER, MANAGER).withUser(MANAGER, BOSS).withUser(OWNER, null)
      .withUser("newbie@example.com", null, "sales").withUser("olive@example.com", OWNER, "engineering"));
  private final FakeDirectory directory = temporal.directory;
  private final RecordingTickets tickets = temporal.tickets;
  private final RecordingChat chat = temporal.chat;

  @BeforeEach
  void start() {
    env = temporal.env();
    client = temporal.client();
  }

  // ---- the example routes ----

  static ApprovalStage manager() {
    return new ApprovalStage("manager", List.of(), 1, true, false, List.of(), StageTimings.DEFAULT);
  }

  static ApprovalStage owners() {
    return ApprovalStage.anyOf("app owner", List.of(OWNER));
  }

  static Stream<Arguments> exampleRoutes() {
    return Stream.of(
        Arguments.of("standard app: the manager", List.of(manager()), List.of(MANAGER),
            List.of("manager")),
        Arguments.of("paid licence: manager then budget owner",
            List.of(manager(), ApprovalStage.anyOf("budget owner", List.of(BUDGET))), List.of(MANAGER, BUDGET),
            List.of("manager", "budget owner")),
        Arguments.of("admin: the app owner", List.of(owners()), List.of(OWNER), List.of("app owner")),
        Arguments.of("production: app owner then security (any of)",
            List.of(owners(), ApprovalStage.anyOf("security", List.of(SEC1, SEC2))), List.of(OWNER, SEC2),
            List.of("app owner", "security")),
        Arguments.of("temporary elevated: the app owner, expiry required", List.of(owners()), List.of(OWNER),
            List.of("app owner")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleRoutes")
  void exampleRouteRunsItsStagesInOrder(String name, List<ApprovalStage> route, List<String> approvers, List<String> stages) {
    String id = "route-" + Math.abs(name.hashCode());
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute(id, route));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    for (int i = 0; i < approvers.size(); i++) {
      int stage = i;
      awaitStage(workflow, stage);
      UpdateOutcome outcome = workflow.decide(approve(approvers.get(i), id + "-e" + i));
      assertThat(outcome.status()).isEqualTo(i == approvers.size() - 1 ? RequestStatus.APPROVED : RequestStatus.PENDING_APPROVAL);
    }
    AccessRequestState active = awaitStatus(workflow, RequestStatus.ACTIVE);
    assertThat(active.decisions()).extracting(RecordedDecision::stage).containsExactlyElementsOf(stages);
    assertThat(active.route()).extracting(ApprovalStage::name).containsExactlyElementsOf(stages);
    assertThat(chat.prompts()).extracting(p -> p.stage().name()).containsExactlyElementsOf(stages);
    // The manager stage was resolved from the IdP profile at submission.
    if (stages.get(0).equals("manager")) {
      assertThat(active.route().get(0).approvers()).containsExactly(MANAGER);
      assertThat(chat.notices().get(0).text()).contains("Route: 'manager' (any of " + MANAGER + ")");
    }
  }

  @Test
  void managerDecisionArrivingBeforeTheIdpAnsweredIsCheckedOnceTheManagerIsKnown() {
    var gate = directory.holdResolution();
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("early1", List.of(manager())));
    awaitStatus(workflow, RequestStatus.SUBMITTED);
    var early = java.util.concurrent.CompletableFuture.supplyAsync(() -> workflow.decide(approve(MANAGER, "m1")));
    gate.countDown();
    assertThat(early.join().status()).isEqualTo(RequestStatus.APPROVED);

    var gate2 = directory.holdResolution();
    AccessRequestWorkflow other = submit(AccessRequests.withRoute("early2", List.of(manager())));
    awaitStatus(other, RequestStatus.SUBMITTED);
    var outsider = java.util.concurrent.CompletableFuture.supplyAsync(() -> other.decide(approve(OWNER, "m2")));
    gate2.countDown();
    assertThatThrownBy(outsider::join).rootCause()
        .hasMessageContaining("omar@example.com is not an approver of stage 'manager'");
    assertThat(awaitStatus(other, RequestStatus.PENDING_APPROVAL).decisions()).isEmpty();
    awaitStatus(workflow, RequestStatus.ACTIVE);
  }

  // ---- separation of duties ----

  @Test
  void requesterIsLeftOutOfEveryStageAndCannotDecide() {
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("sod1",
        List.of(ApprovalStage.anyOf("app owner", List.of(REQUESTER, OWNER)))));
    AccessRequestState pending = awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    assertThat(pending.route().get(0).approvers()).containsExactly(OWNER);
    assertThatThrownBy(() -> workflow.decide(approve(REQUESTER, "x")))
        .rootCause().hasMessageContaining("dana@example.com requested this access and cannot approve or deny it");
  }

  @Test
  void requesterWhoIsTheOnlyApproverGoesToTheStageFallbackOrFails() {
    ApprovalStage ownerIsRequester = new ApprovalStage("app owner", List.of(REQUESTER), 1, false, false,
        List.of(SEC1), StageTimings.DEFAULT);
    AccessRequestWorkflow fallback = submit(AccessRequests.withRoute("sod2", List.of(ownerIsRequester)));
    assertThat(awaitStatus(fallback, RequestStatus.PENDING_APPROVAL).route().get(0).approvers()).containsExactly(SEC1);

    AccessRequestWorkflow stuck = submit(AccessRequests.withRoute("sod3",
        List.of(ApprovalStage.anyOf("app owner", List.of(REQUESTER)))));
    AccessRequestState failed = result(stuck);
    assertThat(failed.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(failed.lastError()).isEqualTo("stage 'app owner' has nobody who may approve it (the requester cannot"
        + " approve their own request, and the stage names no escalateTo people)");
  }

  @Test
  void onePersonCannotSatisfyTwoAllOfStages() {
    List<ApprovalStage> route = List.of(
        new ApprovalStage("owners", List.of(OWNER, SEC1), 2, false, true, List.of(), StageTimings.DEFAULT),
        new ApprovalStage("security", List.of(SEC1, SEC2), 2, false, true, List.of(), StageTimings.DEFAULT));
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("sod4", route));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(OWNER, "a1"));
    assertThat(workflow.decide(approve(SEC1, "a2")).message()).contains("stage 'owners' complete");
    // sec1 already counted for "owners"; "security" needs two other people and only sec2 is left.
    AccessRequestState failed = result(workflow);
    assertThat(failed.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(failed.lastError()).isEqualTo("stage 'security' cannot be completed: sec1@example.com, sec2@example.com"
        + " already approved an earlier stage, and one person cannot approve two stages");
  }

  @Test
  void secondApprovalBySamePersonAtALaterStageIsRefused() {
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("sod5", List.of(
        ApprovalStage.anyOf("app owner", List.of(OWNER)), ApprovalStage.anyOf("security", List.of(OWNER, SEC1)))));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(OWNER, "b1"));
    awaitStage(workflow, 1);
    assertThatThrownBy(() -> workflow.decide(approve(OWNER, "b2"))).rootCause()
        .hasMessageContaining("omar@example.com already approved this request at stage 'app owner'; one person cannot give two approvals");
    assertThat(workflow.decide(approve(SEC1, "b3")).status()).isEqualTo(RequestStatus.APPROVED);
  }

  @Test
  void managerWhoIsAlsoTheAppOwnerCountsOnce() {
    // olive's manager is omar, who also owns the app: "all of manager and owners" needs one approval.
    ApprovalStage both = new ApprovalStage("manager and owner", List.of(OWNER), 2, true, true, List.of(), StageTimings.DEFAULT);
    AccessRequest request = AccessRequests.withRoute("sod6", List.of(both));
    AccessRequestWorkflow workflow = submit(new AccessRequest(request.requestId(), "olive@example.com", request.app(),
        request.role(), request.groups(), request.riskTier(), request.duration(), request.maxDuration(), request.reason(),
        request.source(), request.route(), request.approvalTimeout(), null, RequestPolicy.NONE, Map.of(), null));
    AccessRequestState pending = awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    assertThat(pending.route().get(0).approvers()).containsExactly(OWNER);
    assertThat(pending.route().get(0).required()).isEqualTo(1);
    assertThat(workflow.decide(approve(OWNER, "c1")).status()).isEqualTo(RequestStatus.APPROVED);
  }

  // ---- auto-approval ----

  @Test
  void roleExpectedForTheDepartmentIsApprovedByPolicyWithTheRule() {
    AccessRequest request = AccessRequests.withRoute("auto1", List.of(manager()))
        .withPolicy(new RequestPolicy(List.of("engineering"), null, true, false, null));
    AccessRequestWorkflow workflow = submit(request);
    awaitStatus(workflow, RequestStatus.ACTIVE);
    AccessRequestState active = result(workflow);
    assertThat(active.decisions()).singleElement().satisfies(d -> {
      assertThat(d.actor()).isEqualTo("accessflow");
      assertThat(d.channel()).isEqualTo(Channel.SYSTEM);
      assertThat(d.comment()).isEqualTo("the role is expected for department engineering");
    });
    assertThat(chat.prompts()).isEmpty();
    assertThat(tickets.entries()).anySatisfy(e -> {
      assertThat(e.kind()).isEqualTo(AuditKind.AUTO_APPROVED);
      assertThat(e.text()).isEqualTo("Approved automatically by policy: the role is expected for department engineering.");
    });
  }

  @Test
  void ruleFoundAtTheEdgeIsRecordedAndOtherDepartmentsGoThroughTheRoute() {
    AccessRequest repeat = AccessRequests.withRoute("auto2", List.of(manager()))
        .withPolicy(new RequestPolicy(List.of(), "approved 3 times before (rule: 3)", false, false, null));
    assertThat(awaitStatus(submit(repeat), RequestStatus.ACTIVE).decisions().get(0).comment())
        .isEqualTo("approved 3 times before (rule: 3)");

    AccessRequest sales = AccessRequests.withRoute("auto3", List.of(owners()))
        .withPolicy(new RequestPolicy(List.of("finance"), null, false, false, null));
    awaitStatus(submit(sales), RequestStatus.PENDING_APPROVAL);
  }

  @Test
  void selfExtensionIsAllowedWhenTheTierSaysSo() {
    AccessRequest request = AccessRequests.withRoute("ext1", List.of(owners()))
        .withPolicy(new RequestPolicy(List.of(), null, true, false, null));
    AccessRequestWorkflow workflow = submit(request);
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(OWNER, "d1"));
    awaitStatus(workflow, RequestStatus.ACTIVE);
    assertThat(workflow.extend(new Extension("d2", REQUESTER, Channel.REST, Duration.ofHours(48), null)).status())
        .isEqualTo(RequestStatus.ACTIVE);
    assertThatThrownBy(() -> workflow.extend(new Extension("d3", REQUESTER, Channel.REST, Duration.ofDays(8), null)))
        .rootCause().hasMessageContaining("PT192H is over the role's maximum of PT168H");
  }

  @Test
  void requesterIsWarnedBeforeTheGrantEndsAndAgainAfterAnExtension() {
    AccessRequest request = AccessRequests.withRoute("warn1", List.of(owners()))
        .withPolicy(new RequestPolicy(List.of(), null, true, false, null, Duration.ofHours(1)));
    AccessRequestWorkflow workflow = submit(request);
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(OWNER, "w1"));
    AccessRequestState active = awaitStatus(workflow, RequestStatus.ACTIVE);
    env.sleep(Duration.ofHours(23).plusMinutes(1));
    awaitTrue(() -> chat.notices().stream().anyMatch(n -> n.kind() == AuditKind.EXPIRING_SOON));
    assertThat(chat.notices()).filteredOn(n -> n.kind() == AuditKind.EXPIRING_SOON).singleElement()
        .satisfies(n -> assertThat(n.text()).isEqualTo("Access to grafana / admin ends at " + active.expiresAt()
            + ". Ask to extend it if you still need it (you may extend it yourself)."));
    workflow.extend(new Extension("w2", REQUESTER, Channel.REST, Duration.ofHours(48), null));
    AccessRequestState done = result(workflow);
    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(chat.notices()).filteredOn(n -> n.kind() == AuditKind.EXPIRING_SOON).hasSize(2);
  }

  @Test
  void requestersExtensionGoesThroughTheRouteAgain() {
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("ext2", List.of(
        owners(), ApprovalStage.anyOf("security", List.of(SEC1)))));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(OWNER, "k1"));
    awaitStage(workflow, 1);
    workflow.decide(approve(SEC1, "k2"));
    AccessRequestState active = awaitStatus(workflow, RequestStatus.ACTIVE);

    UpdateOutcome asked = workflow.extend(new Extension("k3", REQUESTER, Channel.REST, Duration.ofHours(48), "migration"));
    assertThat(asked.message()).isEqualTo("extension to PT48H waits for approval: 'app owner' (any of omar@example.com)");
    assertThat(workflow.state().expiresAt()).isEqualTo(active.expiresAt());
    assertThatThrownBy(() -> workflow.extend(new Extension("k4", REQUESTER, Channel.REST, Duration.ofHours(36), null)))
        .rootCause().hasMessageContaining("an extension to PT48H is already waiting for approval on request ext2");
    // The same approvers decide again: a new round, so omar's first approval does not block him.
    assertThat(workflow.decide(approve(OWNER, "k5")).message())
        .isEqualTo("stage 'app owner' complete; the extension waits for stage 'security'");
    assertThat(workflow.decide(approve(SEC1, "k6")).message())
        .isEqualTo("expires at " + active.grantedAt().plus(Duration.ofHours(48)));
    assertThat(workflow.state().expiresAt()).isEqualTo(active.grantedAt().plus(Duration.ofHours(48)));

    workflow.extend(new Extension("k7", REQUESTER, Channel.REST, Duration.ofHours(72), null));
    assertThat(workflow.decide(new Decision("k8", OWNER, Verdict.DENY, Channel.SLACK, "enough")).message())
        .isEqualTo("extension denied by omar@example.com");
    assertThat(workflow.state().expiresAt()).isEqualTo(active.grantedAt().plus(Duration.ofHours(48)));
    AccessRequestState done = result(workflow);
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("ext2"), "extension-through-the-route");
    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(tickets.entries()).extracting(AuditEntry::kind).contains(AuditKind.EXTENSION_REQUESTED, AuditKind.EXTENDED);
  }

  // ---- stage timings ----

  @Test
  void undecidedStageIsRemindedThenEscalatedThenExpires() {
    ApprovalStage stage = new ApprovalStage("app owner", List.of(OWNER), 1, false, false, List.of(SEC1),
        new StageTimings(Duration.ofHours(4), Duration.ofHours(24), Duration.ofHours(48)));
    AccessRequestState done = result(submit(AccessRequests.withRoute("t1", List.of(stage))));

    assertThat(done.status()).isEqualTo(RequestStatus.APPROVAL_TIMED_OUT);
    // Reminders at 4, 8, 12, 16 and 20 h, under the owner's message only.
    assertThat(chat.reminders()).hasSize(5).allSatisfy(r -> assertThat(r).startsWith("D-" + OWNER + "/t1.1: Reminder"));
    assertThat(tickets.entries()).extracting(AuditEntry::kind).containsSubsequence(
        AuditKind.SUBMITTED, AuditKind.REMINDER, AuditKind.ESCALATED, AuditKind.APPROVAL_TIMED_OUT);
    assertThat(chat.announcements()).singleElement().satisfies(a -> assertThat(a.text())
        .isEqualTo("Stage 'app owner' of request t1 escalated to sec1@example.com: nobody decided within PT24H."));
    assertThat(chat.prompts()).extracting(p -> p.approvers()).containsExactly(List.of(OWNER), List.of(SEC1));
    assertThat(done.route().get(0).approvers()).containsExactly(OWNER, SEC1);
    assertThat(chat.notices()).last().satisfies(n -> assertThat(n.text())
        .isEqualTo("Stage 'app owner' got no decision within PT48H; the request expired. Nothing was granted."));
    assertThat(directory.calls()).isEmpty();
  }

  @Test
  void escalatedApproverCanDecide() {
    ApprovalStage stage = new ApprovalStage("app owner", List.of(OWNER), 1, false, false, List.of(SEC1),
        new StageTimings(null, Duration.ofHours(24), Duration.ofHours(48)));
    AccessRequestWorkflow workflow = submit(AccessRequests.withRoute("t2", List.of(stage)));
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    assertThatThrownBy(() -> workflow.decide(approve(SEC1, "f0"))).rootCause().hasMessageContaining("is not an approver");
    env.sleep(Duration.ofHours(25));
    // The sleep moves the clock; the workflow handles the escalation timer just after, so wait for it.
    awaitTrue(() -> workflow.state().route().get(0).approvers().contains(SEC1));
    assertThat(workflow.decide(approve(SEC1, "f1")).status()).isEqualTo(RequestStatus.APPROVED);
    awaitStatus(workflow, RequestStatus.ACTIVE);
  }

  // ---- break-glass ----

  @Test
  void breakGlassIsGrantedAtOnceAnnouncedAndStaysUnreviewedUntilReviewed() {
    AccessRequest request = AccessRequests.withRoute("bg1", List.of(ApprovalStage.anyOf("security review", List.of(SEC1, SEC2))))
        .withPolicy(new RequestPolicy(List.of(), null, false, true, new StageTimings(Duration.ofHours(1), null, null)));
    AccessRequestWorkflow workflow = submit(request);
    AccessRequestState active = awaitStatus(workflow, RequestStatus.ACTIVE);
    assertThat(active.breakGlassUnreviewed()).isTrue();
    assertThat(active.decisions()).isEmpty();
    awaitTrue(() -> !chat.announcements().isEmpty() && !chat.prompts().isEmpty());
    assertThat(chat.announcements()).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AuditKind.BREAK_GLASS);
      assertThat(a.text()).startsWith("Break-glass: dana@example.com took emergency access to grafana / admin for PT24H"
          + " without prior approval.");
    });
    assertThat(chat.prompts()).singleElement().satisfies(p -> assertThat(p.approvers()).containsExactly(SEC1, SEC2));
    assertThatThrownBy(() -> workflow.decide(approve(REQUESTER, "g0"))).rootCause()
        .hasMessageContaining("cannot approve or deny it");

    // The grant runs out; the request stays open, visibly unreviewed, with reminders to the reviewers.
    env.sleep(Duration.ofHours(27));
    // The sleep moves the clock; the removal's activities then run in real time, so wait for their end.
    AccessRequestState expired = awaitStatus(workflow, RequestStatus.EXPIRED);
    assertThat(expired.breakGlassUnreviewed()).isTrue();
    awaitTrue(() -> !chat.reminders().isEmpty());

    assertThat(workflow.decide(approve(SEC2, "g1")).message()).isEqualTo("break-glass review complete");
    AccessRequestState done = result(workflow);
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("bg1"), "break-glass-reviewed");
    assertThat(done.breakGlassUnreviewed()).isFalse();
    assertThat(tickets.entries()).extracting(AuditEntry::kind).contains(AuditKind.BREAK_GLASS, AuditKind.BREAK_GLASS_REVIEWED);
  }

  @Test
  void rejectedBreakGlassIsRevokedAtOnce() {
    AccessRequest request = AccessRequests.withRoute("bg2", List.of(ApprovalStage.anyOf("security review", List.of(SEC1))))
        .withPolicy(new RequestPolicy(List.of(), null, false, true, null));
    AccessRequestWorkflow workflow = submit(request);
    awaitStatus(workflow, RequestStatus.ACTIVE);
    UpdateOutcome outcome = workflow.decide(new Decision("h1", SEC1, Verdict.DENY, Channel.SLACK, "no incident open"));
    assertThat(outcome.message()).isEqualTo("break-glass rejected by sec1@example.com");
    AccessRequestState done = result(workflow);
    assertThat(done.status()).isEqualTo(RequestStatus.REVOKED);
    assertThat(done.breakGlassUnreviewed()).isFalse();
    assertThat(directory.isMember("00g-grafana-admins", "id-dana")).isFalse();
  }

  // ---- history for the replay test ----

  @Test
  void twoStageRouteWithManagerRecordsAReplayableHistory() throws Exception {
    AccessRequest request = AccessRequests.withRoute("hist1", List.of(manager(),
        new ApprovalStage("security", List.of(SEC1), 1, false, false, List.of(SEC2),
            new StageTimings(Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(8)))));
    AccessRequestWorkflow workflow = submit(request);
    awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(approve(MANAGER, "i1"));
    env.sleep(Duration.ofHours(3)); // reminder and escalation to sec2
    awaitTrue(() -> workflow.state().route().get(1).approvers().contains(SEC2));
    workflow.decide(approve(SEC2, "i2"));
    AccessRequestState done = result(workflow);
    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("hist1"), "approval-policy-two-stages");
  }

  // ---- helpers ----

  private AccessRequestWorkflow submit(AccessRequest request) {
    return AccessRequests.start(client, QUEUE, request);
  }

  private static AccessRequestState awaitStatus(AccessRequestWorkflow workflow, RequestStatus wanted) {
    return AccessRequests.awaitStatus(workflow, wanted);
  }

  /** Waits until the stage has been put to its approvers (prompts go out from the workflow's main loop). */
  private void awaitStage(AccessRequestWorkflow workflow, int stage) {
    AccessRequests.awaitTrue("stage " + stage + " put to its approvers", () -> chat.prompts().size() > stage);
  }

  /** Chat deliveries run on their own outbox, after the state change the test waited for. */
  private static void awaitTrue(java.util.function.BooleanSupplier condition) {
    AccessRequests.awaitTrue("the awaited condition", condition);
  }

  private static Decision approve(String actor, String eventId) {
    return new Decision(eventId, actor, Verdict.APPROVE, Channel.SLACK, "ok");
  }

  private static AccessRequestState result(AccessRequestWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);
  }
}
