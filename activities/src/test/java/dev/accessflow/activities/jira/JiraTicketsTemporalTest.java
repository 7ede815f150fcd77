package dev.accessflow.activities.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.ports.AccessTickets;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JiraTickets as a real Temporal activity with the workflow's notification retry options: Temporal
 * retries a 503, and a retried record (attempt 2, read from the activity context) finds the
 * comment its first attempt wrote instead of writing it twice.
 */
class JiraTicketsTemporalTest {
  private static final String QUEUE = "jira-test";
  private static final String ISSUE = "/rest/api/3/issue/ACC-7";
  private static final String PROPERTY = ISSUE + "/properties/accessflow.auditSequence";
  private static final String COMMENTS = ISSUE + "/comment";

  /** Opens the ticket and records one step, like the request workflow's ticket outbox. */
  @WorkflowInterface
  public interface OpenAndRecord {
    @WorkflowMethod
    String run(AccessRequest request, AuditEntry entry);
  }

  public static final class OpenAndRecordImpl implements OpenAndRecord {
    private final AccessTickets tickets =
        Workflow.newActivityStub(AccessTickets.class, AccessflowTemporal.notificationOptions());

    @Override
    public String run(AccessRequest request, AuditEntry entry) {
      String key = tickets.openTicket(request);
      tickets.record(key, request.requestId(), entry);
      return key;
    }
  }

  private final JiraStub jira = new JiraStub();
  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(OpenAndRecordImpl.class);
    worker.registerActivitiesImplementations(new JiraTickets(jira.config(), jira.client()));
    env.start();
  }

  @AfterEach
  void stop() {
    try {
      assertThat(jira.assertContract()).isPositive();
    } finally {
      env.close();
      jira.close();
    }
  }

  @Test
  void temporalRetriesA503AndARetriedRecordDoesNotCommentTwice() {
    var stub = jira.server;
    stub.stubFor(post(urlPathEqualTo("/rest/api/3/search/jql")).inScenario("search").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "1")).willSetStateTo("up"));
    stub.stubFor(post(urlPathEqualTo("/rest/api/3/search/jql")).inScenario("search").whenScenarioStateIs("up")
        .willReturn(okJson("{\"issues\":[]}")));
    stub.stubFor(post(urlPathEqualTo("/rest/api/3/issue")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":\"10007\",\"key\":\"ACC-7\"}")));
    stub.stubFor(get(urlPathEqualTo(PROPERTY)).willReturn(notFound()));
    stub.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":\"100\"}")));
    AuditEntry entry = new AuditEntry(1, Instant.parse("2026-11-27T10:00:00Z"), AuditKind.SUBMITTED,
        RequestStatus.SUBMITTED, "Requested by ada");
    // The worker "crashes" after commenting: the property write fails once, then Jira lists the comment.
    stub.stubFor(put(urlPathEqualTo(PROPERTY)).inScenario("property").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(502)).willSetStateTo("up"));
    stub.stubFor(put(urlPathEqualTo(PROPERTY)).inScenario("property").whenScenarioStateIs("up")
        .willReturn(aResponse().withStatus(201)));
    stub.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("{\"comments\":[{\"id\":\"100\",\"body\":"
        + Adf.auditComment("req-9", entry) + "}]}")));

    OpenAndRecord workflow = env.getWorkflowClient().newWorkflowStub(OpenAndRecord.class,
        WorkflowOptions.newBuilder().setTaskQueue(QUEUE).setWorkflowId("jira-test-req-9").build());
    String key = workflow.run(JiraStub.request("req-9", null), entry);

    assertThat(key).isEqualTo("ACC-7");
    stub.verify(2, postRequestedFor(urlPathEqualTo("/rest/api/3/search/jql")));
    stub.verify(1, postRequestedFor(urlPathEqualTo("/rest/api/3/issue")));
    stub.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
    stub.verify(1, getRequestedFor(urlPathEqualTo(COMMENTS)));
    stub.verify(2, putRequestedFor(urlPathEqualTo(PROPERTY)));
  }
}
