package dev.accessflow.activities.entra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.accessflow.activities.entra.EntraDirectoryTest.ADA;
import static dev.accessflow.activities.entra.EntraDirectoryTest.GROUP;
import static dev.accessflow.activities.entra.EntraDirectoryTest.MEMBER_REF_PATH;
import static dev.accessflow.activities.entra.EntraDirectoryTest.REF_PATH;
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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real request workflow on Temporal's time-skipping test server with {@link EntraDirectory} as
 * its IdP against a WireMock Graph: granted through an outage, removed at expiry, and a removal
 * that outlasts a long outage. Every request the workflow caused is checked against Graph's description.
 */
class EntraWorkflowTest {
  private EntraStub entra;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    entra = new EntraStub();
    entra.wireMock.stubFor(get(urlPathMatching(EntraDirectoryTest.ADA_PATH)).willReturn(EntraStub.json(200,
        EntraStub.user(ADA, "ada@acme.example", "Ada Lovelace", true, "Engineering"))));
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/users/" + ADA + "/manager")).willReturn(EntraStub.error(404,
        "Request_ResourceNotFound", "Resource 'manager' does not exist or one of its queried reference-property objects are not present.")));
    env = TestWorkflowEnvironment.newInstance();
    for (SearchAttributeKey<?> key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
    Worker worker = env.newWorker(AccessflowTemporal.DEFAULT_TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    EntraDirectory idp = new EntraDirectory(entra.graph(), entra.config, Clock.systemUTC());
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
      entra.close();
    }
  }

  @Test
  void approvedRequestIsAddedThroughARetriedOutageAndRemovedAtExpiry() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).inScenario("add").whenScenarioStateIs(STARTED)
        .willReturn(EntraStub.error(503, "ServiceUnavailable", "try later")).willSetStateTo("recovered"));
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).inScenario("add").whenScenarioStateIs("recovered")
        .willReturn(aResponse().withStatus(204)));
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(aResponse().withStatus(204)));

    AccessRequestWorkflow workflow = startRequest("REQ-E1", List.of(ApprovalStage.anyOf("manager", List.of("grace@acme.example"))));
    awaitStatus(workflow, s -> s == RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("slack-1", "grace@acme.example", Verdict.APPROVE, Channel.SLACK, "ok"));

    AccessRequestState done = WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(done.idpUserId()).isEqualTo(ADA);
    assertThat(Duration.between(done.grantedAt(), done.revokedAt())).isGreaterThanOrEqualTo(Duration.ofHours(1));
    entra.wireMock.verify(2, postRequestedFor(urlPathEqualTo(REF_PATH)));
    entra.wireMock.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBER_REF_PATH)));
  }

  @Test
  void removalOutlastsAnOutageLongerThanSeveralRetryBatches() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(aResponse().withStatus(204)));
    int failures = 12;
    for (int i = 0; i < failures; i++) {
      entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).inScenario("outage")
          .whenScenarioStateIs(i == 0 ? STARTED : "down-" + i)
          .willReturn(EntraStub.error(i % 2 == 0 ? 503 : 500, "ServiceUnavailable", "down")).willSetStateTo("down-" + (i + 1)));
    }
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).inScenario("outage").whenScenarioStateIs("down-" + failures)
        .willReturn(aResponse().withStatus(204)));

    AccessRequestWorkflow workflow = startRequest("REQ-E2", List.of());
    awaitStatus(workflow, s -> s == RequestStatus.ACTIVE);
    workflow.revoke(new Revocation("rest-1", "ada@acme.example", Channel.REST, "done early"));

    AccessRequestState done = WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.REVOKED);
    assertThat(done.lastError()).contains("removing from group " + GROUP, "Graph failed");
    entra.wireMock.verify(failures + 1, deleteRequestedFor(urlPathEqualTo(MEMBER_REF_PATH)));
  }

  @Test
  void aMissingGroupFailsTheRequestAfterOneAttempt() throws Exception {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(EntraStub.error(404, "Request_ResourceNotFound",
        "Resource '" + GROUP + "' does not exist or one of its queried reference-property objects are not present.")));
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(EntraStub.error(404,
        "Request_ResourceNotFound", "gone")));

    AccessRequestState done = WorkflowStub.fromTyped(startRequest("REQ-E3", List.of()))
        .getResult(20, TimeUnit.SECONDS, AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(done.lastError()).contains("Entra has no group " + GROUP);
    entra.wireMock.verify(1, postRequestedFor(urlPathEqualTo(REF_PATH)));
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
