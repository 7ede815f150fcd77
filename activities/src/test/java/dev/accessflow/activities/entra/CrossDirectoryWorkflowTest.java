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

import dev.accessflow.activities.google.GoogleDirectory;
import dev.accessflow.activities.google.GoogleStub;
import dev.accessflow.activities.idp.Directories;
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
 * One role across two directories: an Entra group (the primary directory's, unprefixed) and a
 * Google group ({@code google:…}), through {@link Directories} on the real workflow. Granted in
 * both and removed from both; or, when Google refuses, the Entra add is undone and the request
 * fails naming the Google group. Each stub checks its calls against its vendor's description.
 */
class CrossDirectoryWorkflowTest {
  static final String GOOGLE_GROUP = "google:eng-drive@acme.example";
  static final String GOOGLE_ID = "100200300400500600700";
  static final String GOOGLE_MEMBERS = "/admin/directory/v1/groups/eng-drive(@|%40)acme\\.example/members";
  // Removed by the id Google gave when the add resolved her (Google takes an id or an email as memberKey).
  static final String GOOGLE_ADA = GOOGLE_MEMBERS + "/" + GOOGLE_ID;

  private EntraStub entra;
  private GoogleStub google;
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void start() {
    entra = new EntraStub();
    google = new GoogleStub();
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/users/ada(@|%40)acme\\.example")).willReturn(GoogleStub.json(200,
        "{\"id\":\"" + GOOGLE_ID + "\",\"primaryEmail\":\"ada@acme.example\",\"suspended\":false}")));
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
    EntraDirectory entraIdp = new EntraDirectory(entra.graph(), entra.config, Clock.systemUTC());
    GoogleDirectory googleIdp = google.directory();
    Directories idp = new Directories(new Directories.Directory("entra", entraIdp, entraIdp, entraIdp, entraIdp::userId),
        List.of(new Directories.Directory("google", googleIdp, googleIdp, googleIdp, login -> login)));
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
      try {
        entra.close();
      } finally {
        google.close();
      }
    }
  }

  @Test
  void aRoleAcrossEntraAndGoogleIsGrantedInBothAndRemovedFromBoth() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(aResponse().withStatus(204)));
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(aResponse().withStatus(204)));
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+/hasMember/.+"))
        .willReturn(GoogleStub.json(200, "{\"isMember\":false}")));
    google.wireMock.stubFor(post(urlPathMatching(GOOGLE_MEMBERS)).willReturn(GoogleStub.json(200,
        "{\"id\":\"" + GOOGLE_ID + "\",\"role\":\"MEMBER\",\"type\":\"USER\"}")));
    google.wireMock.stubFor(delete(urlPathMatching(GOOGLE_ADA)).willReturn(aResponse().withStatus(204)));

    AccessRequestState done = WorkflowStub.fromTyped(startRequest("REQ-X1", List.of())).getResult(AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    entra.wireMock.verify(1, postRequestedFor(urlPathEqualTo(REF_PATH)));
    entra.wireMock.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBER_REF_PATH)));
    google.wireMock.verify(1, postRequestedFor(urlPathMatching(GOOGLE_MEMBERS))
        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson("{\"email\":\"ada@acme.example\",\"role\":\"MEMBER\"}")));
    google.wireMock.verify(1, deleteRequestedFor(urlPathMatching(GOOGLE_ADA)));
  }

  @Test
  void whenGoogleRefusesTheEntraAddIsUndoneAndTheRequestFailsNamingTheGoogleGroup() throws Exception {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(aResponse().withStatus(204)));
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(aResponse().withStatus(204)));
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+/hasMember/.+"))
        .willReturn(GoogleStub.json(200, "{\"isMember\":false}")));
    google.wireMock.stubFor(post(urlPathMatching(GOOGLE_MEMBERS)).willReturn(GoogleStub.error(403, "forbidden",
        "Not Authorized to access this resource/api")));
    google.wireMock.stubFor(delete(urlPathMatching(GOOGLE_ADA)).willReturn(GoogleStub.error(404, "notFound",
        "Resource Not Found: memberKey")));

    AccessRequestState done = WorkflowStub.fromTyped(startRequest("REQ-X2", List.of()))
        .getResult(30, TimeUnit.SECONDS, AccessRequestState.class);

    assertThat(done.status()).isEqualTo(RequestStatus.FAILED);
    assertThat(done.lastError()).contains(GOOGLE_GROUP, "Google refused");
    // Exactly what was added is undone: the Entra membership, once; Google never had one.
    entra.wireMock.verify(1, postRequestedFor(urlPathEqualTo(REF_PATH)));
    entra.wireMock.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBER_REF_PATH)));
    google.wireMock.verify(1, postRequestedFor(urlPathMatching(GOOGLE_MEMBERS)));
  }

  private AccessRequestWorkflow startRequest(String id, List<ApprovalStage> route) {
    AccessRequest request = new AccessRequest(id, "ada@acme.example", "warehouse", "admin", List.of(GROUP, GOOGLE_GROUP), "low",
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
