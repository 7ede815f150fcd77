package dev.accessflow.activities.google;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.accessflow.activities.google.GoogleDirectoryTest.ADA_ID;
import static dev.accessflow.activities.google.GoogleDirectoryTest.ADA_MEMBER;
import static dev.accessflow.activities.google.GoogleDirectoryTest.GROUP;
import static dev.accessflow.activities.google.GoogleDirectoryTest.MEMBERS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.activities.leases.TemporalMembershipLeases;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.ports.NoticeDelivery;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingLedger;
import dev.accessflow.workflows.testing.RecordingTickets;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributeKey;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real request workflow on Temporal's time-skipping test server with {@link GoogleDirectory} as
 * its IdP against a WireMock Google: granted through an outage, removed at expiry, and a removal
 * that outlasts a long outage. Every request the workflow caused is checked against Google's discovery documents.
 */
class GoogleWorkflowTest {
  private GoogleStub google;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    google = new GoogleStub();
    google.wireMock.stubFor(get(urlPathMatching(GoogleDirectoryTest.USERS + "ada(@|%40)acme\\.example")).willReturn(GoogleStub.json(200,
        GoogleDirectoryTest.user(ADA_ID, "ada@acme.example", false, "2026-11-30T08:15:00.000Z"))));
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+/hasMember/.*")).willReturn(GoogleStub.json(200,
        "{\"isMember\":false}")));
    env = TestWorkflowEnvironment.newInstance();
    for (SearchAttributeKey<?> key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    Worker worker = env.newWorker(AccessflowTemporal.DEFAULT_TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    GoogleDirectory idp = google.directory();
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
      google.close();
    }
  }

  @Test
  void approvedRequestIsAddedThroughARetriedOutageAndRemovedAtExpiry() {
    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).inScenario("add").whenScenarioStateIs(STARTED)
        .willReturn(GoogleStub.error(503, "backendError", "Backend Error")).willSetStateTo("recovered"));
    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).inScenario("add").whenScenarioStateIs("recovered")
        .willReturn(GoogleStub.json(200, "{\"id\":\"" + ADA_ID + "\",\"role\":\"MEMBER\",\"type\":\"USER\"}")));
    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).willReturn(aResponse().withStatus(204)));

    AccessRequestWorkflow workflow = startRequest("REQ-G1", List.of(ApprovalStage.anyOf("manager", List.of("grace@acme.example"))));
    awaitStatus(workflow, s -> s == RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("slack-1", "grace@acme.example", Verdict.APPROVE, Channel.SLACK, "ok"));

    AccessRequestState done = WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(done.idpUserId()).isEqualTo(ADA_ID);
    assertThat(Duration.between(done.grantedAt(), done.revokedAt())).isGreaterThanOrEqualTo(Duration.ofHours(1));
    google.wireMock.verify(2, postRequestedFor(urlPathMatching(MEMBERS)));
    google.wireMock.verify(1, deleteRequestedFor(urlPathMatching(ADA_MEMBER)));
  }

  @Test
  void removalOutlastsAnOutageLongerThanSeveralRetryBatches() {
    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).willReturn(aResponse().withStatus(204)));
    int failures = 12;
    for (int i = 0; i < failures; i++) {
      google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).inScenario("outage")
          .whenScenarioStateIs(i == 0 ? STARTED : "down-" + i)
          .willReturn(GoogleStub.error(i % 2 == 0 ? 503 : 500, "backendError", "Backend Error")).willSetStateTo("down-" + (i + 1)));
    }
    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).inScenario("outage").whenScenarioStateIs("down-" + failures)
        .willReturn(aResponse().withStatus(204)));

    AccessRequestWorkflow workflow = startRequest("REQ-G2", List.of());
    awaitStatus(workflow, s -> s == RequestStatus.ACTIVE);
    workflow.revoke(new Revocation("rest-1", "ada@acme.example", Channel.REST, "done early"));

    AccessRequestState done = WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.REVOKED);
    assertThat(done.lastError()).contains("removing from group " + GROUP, "Google failed");
    google.wireMock.verify(failures + 1, deleteRequestedFor(urlPathMatching(ADA_MEMBER)));
  }

  @Test
  void aMissingGroupFailsTheRequestAfterOneAttempt() throws Exception {
    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).willReturn(GoogleStub.error(404, "notFound", "Resource Not Found: groupKey")));
    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).willReturn(GoogleStub.error(404, "notFound", "Resource Not Found: memberKey")));

    AccessRequestState done = WorkflowStub.fromTyped(startRequest("REQ-G3", List.of()))
        .getResult(20, TimeUnit.SECONDS, AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(done.lastError()).contains("Google has no group " + GROUP);
    google.wireMock.verify(1, postRequestedFor(urlPathMatching(MEMBERS)));
  }

  private AccessRequestWorkflow startRequest(String id, List<ApprovalStage> route) {
    AccessRequest request = new AccessRequest(id, "ada@acme.example", "warehouse", "admin", List.of(GROUP), "low",
        Duration.ofHours(1), Duration.ofHours(8), "incident 42", Channel.REST, route, Duration.ofHours(4), null,
        RequestPolicy.NONE, Map.of(), null);
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId(id)).setTaskQueue(AccessflowTemporal.DEFAULT_TASK_QUEUE).build());
    WorkflowClient.start(workflow::run, request);
    return workflow;
  }

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
}
