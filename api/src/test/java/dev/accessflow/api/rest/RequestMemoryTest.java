package dev.accessflow.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.accessflow.api.AccessRequestGateway;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.ledger.AuditExport;
import dev.accessflow.ledger.AuditVerifier;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.ledger.LedgerQueries;
import dev.accessflow.ledger.PostgresLedger;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.ports.NoticeDelivery;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.DirectLeases;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingTickets;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import io.dropwizard.jackson.Jackson;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A request Temporal has forgotten still answers from the ledger. The test server keeps no
 * retention and cannot delete, so "forgotten" is a new, empty Temporal over the same ledger: what
 * a cluster looks like for the request once its namespace's retention has passed.
 */
class RequestMemoryTest {
  private static final ObjectMapper JSON = Jackson.newObjectMapper()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
  private final FakeDirectory directory = new FakeDirectory()
      .withUser(AccessRequests.REQUESTER, AccessRequests.MANAGER).withUser(AccessRequests.MANAGER, null);
  private LedgerDatabase ledger;
  private LedgerQueries queries;

  @BeforeEach
  void startLedger() {
    ledger = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests());
    queries = new LedgerQueries(ledger.jdbi());
  }

  @AfterEach
  void stopLedger() {
    ledger.close();
  }

  private TestWorkflowEnvironment temporal() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    RequestWorkflowExtension.registerSearchAttributes(env);
    env.newWorker(RequestWorkflowExtension.QUEUE).registerWorkflowImplementationTypes(
        AccessflowTemporal.workflowImplementations());
    env.getWorkerFactory().getWorker(RequestWorkflowExtension.QUEUE).registerActivitiesImplementations(directory,
        new DirectLeases(directory), new NoticeDelivery(new RecordingTickets(), new RecordingChat(),
            new PostgresLedger(ledger.jdbi(), "sandbox", Clock.systemUTC())));
    env.start();
    return env;
  }

  private AccessRequestResource resource(TestWorkflowEnvironment env) {
    return new AccessRequestResource(null, new AccessRequestGateway(env.getWorkflowClient(),
        RequestWorkflowExtension.QUEUE, queries), queries);
  }

  @Test
  void aRequestWhoseWorkflowIsGoneAnswersFromTheLedgerInTheSameRepresentationAndIsExported() throws Exception {
    JsonNode whileKept;
    try (TestWorkflowEnvironment first = temporal()) {
      var workflow = AccessRequests.start(first.getWorkflowClient(), RequestWorkflowExtension.QUEUE,
          AccessRequests.grafanaAdmin("mem-1"));
      AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
      workflow.decide(new Decision("e1", AccessRequests.MANAGER, Verdict.APPROVE, Channel.REST, "ok"));
      AccessRequestState done = RequestWorkflowExtension.result(workflow);
      assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
      AccessRequests.awaitTrue("the final state in the ledger", () -> queries.state("mem-1")
          .map(s -> s.status() == RequestStatus.EXPIRED).orElse(false));
      whileKept = JSON.valueToTree(resource(first).get("mem-1"));
    }

    try (TestWorkflowEnvironment forgotten = temporal()) {
      JsonNode afterRetention = JSON.valueToTree(resource(forgotten).get("mem-1"));

      assertThat(afterRetention).isEqualTo(whileKept);
      assertThat(afterRetention.path("status").asText()).isEqualTo("EXPIRED");
      assertThat(afterRetention.path("decisions").get(0).path("actor").asText()).isEqualTo(AccessRequests.MANAGER);
      assertThat(queries.approvedBefore(AccessRequests.REQUESTER, "grafana", "admin")).isEqualTo(1);
      Assertions.assertThatThrownBy(() -> resource(forgotten).get("never-was"))
          .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.status()).isEqualTo(404));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new AuditExport(ledger.dataSource()).write(new AuditExport.Filter(null, null, null, null, null),
        AuditExport.Format.JSONL, out);
    String export = out.toString(StandardCharsets.UTF_8);
    assertThat(export.lines()).anySatisfy(line -> assertThat(line).contains("\"kind\":\"REVOKED\"", "mem-1"));
    assertThat(new AuditVerifier().verify(new StringReader(export), false).ok()).isTrue();
  }
}
