package dev.accessflow.activities.okta;

import java.util.Map;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.ports.NoticeDelivery;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingLedger;
import dev.accessflow.workflows.testing.RecordingTickets;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import dev.accessflow.activities.leases.TemporalMembershipLeases;
import dev.accessflow.workflows.request.AccessRequestWorkflowImpl;
import dev.accessflow.workflows.membership.GroupMembershipWorkflowImpl;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.Verdict;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@link AccessRequestWorkflowImpl} on Temporal's time-skipping test server, with
 * {@link OktaDirectory} as its IdP against a WireMock Okta: Temporal's retries, not the SDK's.
 */
class OktaWorkflowTest {
  private static final String USER_PATH = "/api/v1/users/ada%40example.com";
  private static final String MEMBERSHIP_PATH = "/api/v1/groups/00gAPP/users/00uADA";

  private OktaStub okta;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    okta = new OktaStub();
    okta.wireMock.stubFor(get(urlPathEqualTo(USER_PATH)).willReturn(OktaDirectoryTest.json(200,
        OktaDirectoryTest.user("00uADA", "ada@example.com", "Ada Lovelace", null, "Engineering", "null"))));
    env = TestWorkflowEnvironment.newInstance();
    for (SearchAttributeKey<?> key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    Worker worker = env.newWorker(AccessflowTemporal.DEFAULT_TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    // The adapter reads the test service's clock, which jumps when time is skipped, as
    // production's wall clock and Temporal's agree.
    ClockedIdp idp = new ClockedIdp(new OktaDirectory(okta.client(), okta.config, new ServiceClock(this::serviceTime)),
        this::serviceTime);
    worker.registerActivitiesImplementations(
        new TemporalMembershipLeases(env.getWorkflowClient(), AccessflowTemporal.DEFAULT_TASK_QUEUE), idp,
        new NoticeDelivery(new RecordingTickets(), new RecordingChat(), new RecordingLedger()));
    env.newWorker(AccessflowTemporal.idpTaskQueue(AccessflowTemporal.DEFAULT_TASK_QUEUE)).registerActivitiesImplementations(idp);
    env.start();
    client = env.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    try {
      env.close();
    } finally {
      okta.close(); // every request the workflow caused must be one Okta's spec allows
    }
  }

  @Test
  void approvedRequestIsGrantedThroughARetriedOutageAndRemovedAtExpiry() {
    // The first PUT meets a 500; Temporal retries the activity and the second one lands.
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).inScenario("add").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(500)).willSetStateTo("recovered"));
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).inScenario("add").whenScenarioStateIs("recovered")
        .willReturn(aResponse().withStatus(204)));
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));

    AccessRequestWorkflow workflow = startRequest("REQ-1",
        List.of(ApprovalStage.anyOf("manager", List.of("grace@example.com"))));
    awaitStatus(workflow, s -> s == RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("slack-1", "grace@example.com", Verdict.APPROVE, Channel.SLACK, "ok"));

    AccessRequestState done = WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class); // skips the hour

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(done.idpUserId()).isEqualTo("00uADA");
    assertThat(Duration.between(done.grantedAt(), done.revokedAt())).isGreaterThanOrEqualTo(Duration.ofHours(1));
    assertThat(membershipCalls()).containsExactly("PUT", "PUT", "DELETE");
  }

  @Test
  void revocationOutlastsAnOutageLongerThanSeveralRetryBatches() {
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));
    // Twelve failed removals: more than one batch of ten attempts. Then Okta is back.
    int failures = 12;
    for (int i = 0; i < failures; i++) {
      okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).inScenario("outage")
          .whenScenarioStateIs(i == 0 ? STARTED : "down-" + i)
          .willReturn(aResponse().withStatus(i % 2 == 0 ? 503 : 500)).willSetStateTo("down-" + (i + 1)));
    }
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).inScenario("outage").whenScenarioStateIs("down-" + failures)
        .willReturn(aResponse().withStatus(204)));

    AccessRequestWorkflow workflow = startRequest("REQ-2", List.of()); // no route: approved by policy
    awaitStatus(workflow, s -> s == RequestStatus.ACTIVE);
    workflow.revoke(new Revocation("rest-1", "ada@example.com", Channel.REST, "done early"));

    AccessRequestState done = WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.REVOKED);
    assertThat(done.revocationLag()).isGreaterThan(Duration.ofSeconds(5)); // it was overdue, and still finished
    assertThat(done.lastError()).contains("removing from group 00gAPP", "Okta failed");
    okta.wireMock.verify(failures + 1, deleteRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
    okta.wireMock.verify(1, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
  }

  @Test
  void rateLimitedGrantIsRetriedWhenOktasWindowResetsNotInATightLoop() {
    // Eight seconds: far enough from the 1 s initial backoff to tell them apart, short enough for CI (this wait is real).
    long reset = env.currentTimeMillis() / 1000 + 8;
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).inScenario("limit").whenScenarioStateIs(STARTED)
        .willReturn(OktaDirectoryTest.json(429, """
            {"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.",
             "errorLink":"E0000047","errorId":"oaeLIMIT","errorCauses":[]}""")
            .withHeader("X-Rate-Limit-Limit", "600").withHeader("X-Rate-Limit-Remaining", "0")
            .withHeader("X-Rate-Limit-Reset", Long.toString(reset)))
        .willSetStateTo("reset"));
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).inScenario("limit").whenScenarioStateIs("reset")
        .willReturn(aResponse().withStatus(204)));
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));

    AccessRequestWorkflow workflow = startRequest("REQ-3", List.of());
    // Waiting for the result lets the test service skip time: the retry delay, then the hour of access.
    AccessRequestState done = WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(addAttemptsAt).hasSize(2);
    long gapSeconds = (addAttemptsAt.get(1) - addAttemptsAt.get(0)) / 1000;
    // The retry waited for Okta's window (about 8 s), not the 1 s initial backoff.
    assertThat(gapSeconds).isBetween(6L, 12L);
  }

  @Test
  void unknownGroupFailsTheRequestAndNothingIsHeld() throws Exception {
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(OktaDirectoryTest.json(404, """
        {"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00gAPP (UserGroup)",
         "errorLink":"E0000007","errorId":"oaeNOGROUP","errorCauses":[]}""")));
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(404)));

    AccessRequestWorkflow workflow = startRequest("REQ-4", List.of());
    AccessRequestState done = WorkflowStub.fromTyped(workflow)
        .getResult(20, java.util.concurrent.TimeUnit.SECONDS, AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(done.lastError()).contains("Okta has no group 00gAPP");
    okta.wireMock.verify(1, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH))); // non-retryable: one attempt
  }

  @Test
  void unknownRequesterFailsTheRequestBeforeAnythingIsGranted() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/ghost%40example.com")).willReturn(OktaDirectoryTest.json(404, """
        {"errorCode":"E0000007","errorSummary":"Not found: Resource not found: ghost@example.com (User)",
         "errorLink":"E0000007","errorId":"oaeGHOST","errorCauses":[]}""")));

    AccessRequest request = new AccessRequest("REQ-5", "ghost@example.com", "warehouse", "admin", List.of("00gAPP"), "low",
        Duration.ofHours(1), Duration.ofHours(8), "incident 42", Channel.REST, List.of(), Duration.ofHours(4), null, RequestPolicy.NONE, Map.of(), null);
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId("REQ-5")).setTaskQueue(AccessflowTemporal.DEFAULT_TASK_QUEUE).build());
    WorkflowClient.start(workflow::run, request);
    WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);

    AccessRequestState state = workflow.state();
    assertThat(state.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(state.lastError()).contains("no Okta user with login ghost@example.com", "E0000007");
    okta.wireMock.verify(0, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
    okta.wireMock.verify(1, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
        urlPathEqualTo("/api/v1/users/ghost%40example.com"))); // UnknownUser is not retried
  }

  /** A Clock on the test service's time. */
  private static final class ServiceClock extends Clock {
    private final java.util.function.LongSupplier millis;

    ServiceClock(java.util.function.LongSupplier millis) {
      this.millis = millis;
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return java.time.Instant.ofEpochMilli(millis.getAsLong());
    }
  }

  private long serviceTime() {
    return env.currentTimeMillis();
  }

  private final List<Long> addAttemptsAt = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Records the test service's clock at each add attempt, then delegates. */
  private final class ClockedIdp implements dev.accessflow.workflows.ports.IdentityProvider {
    private final OktaDirectory delegate;
    private final java.util.function.LongSupplier clock;

    ClockedIdp(OktaDirectory delegate, java.util.function.LongSupplier clock) {
      this.delegate = delegate;
      this.clock = clock;
    }

    @Override
    public dev.accessflow.workflows.model.IdpUser resolveUser(String login) {
      return delegate.resolveUser(login);
    }

    @Override
    public void addMember(dev.accessflow.workflows.model.Membership membership) {
      addAttemptsAt.add(clock.getAsLong());
      delegate.addMember(membership);
    }

    @Override
    public String removeMember(dev.accessflow.workflows.model.Membership membership) {
      return delegate.removeMember(membership);
    }

    @Override
    public boolean isMember(dev.accessflow.workflows.model.Membership membership) {
      return delegate.isMember(membership);
    }
  }

  private AccessRequestWorkflow startRequest(String id, List<ApprovalStage> route) {
    AccessRequest request = new AccessRequest(id, "ada@example.com", "warehouse", "admin", List.of("00gAPP"), "low",
        Duration.ofHours(1), Duration.ofHours(8), "incident 42", Channel.REST, route, Duration.ofHours(4), null, RequestPolicy.NONE, Map.of(), null);
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId(id))
        .setTaskQueue(AccessflowTemporal.DEFAULT_TASK_QUEUE)
        .build());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }

  /** Polls the state query (real time, bounded) until the workflow reaches a status. */
  private static void awaitStatus(AccessRequestWorkflow workflow, Predicate<RequestStatus> wanted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    RequestStatus status = null;
    while (System.nanoTime() < deadline) {
      status = workflow.state().status();
      if (wanted.test(status)) {
        return;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("workflow stayed " + status);
  }

  private List<String> membershipCalls() {
    return okta.wireMock.getAllServeEvents().stream()
        .map(ServeEvent::getRequest)
        .filter(r -> r.getUrl().startsWith(MEMBERSHIP_PATH))
        .sorted(Comparator.comparing(r -> r.getLoggedDate()))
        .map(r -> r.getMethod().getName())
        .toList();
  }
}
