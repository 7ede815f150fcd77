package dev.accessflow.api.rest;

import dev.accessflow.workflows.ports.NoticeDelivery;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.api.AccessRequestGateway;
import dev.accessflow.api.AccessRequestIntake;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.testing.DirectLeases;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingTickets;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.testing.TestWorkflowEnvironment;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import io.dropwizard.auth.AuthValueFactoryProvider;
import dev.accessflow.ledger.AuditExport;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.ledger.LedgerQueries;
import dev.accessflow.ledger.PostgresLedger;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST resource alone (Dropwizard's ResourceExtension), over a time-skipping Temporal test server. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AccessRequestResourceTest {
  private static final String TOKEN = "resource-test-token-0123456789abcdef";
  private static final TestWorkflowEnvironment ENV = TestWorkflowEnvironment.newInstance();
  private static final FakeDirectory DIRECTORY = new FakeDirectory()
      .withUser("dana@example.com", "max@example.com").withUser("lone@example.com", null);

  private static final LedgerDatabase LEDGER = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests());
  private static final LedgerQueries QUERIES = new LedgerQueries(LEDGER.jdbi());

  static {
    RequestWorkflowExtension.registerSearchAttributes(ENV);
    var worker = ENV.newWorker("resource");
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(DIRECTORY, new DirectLeases(DIRECTORY), new NoticeDelivery(new RecordingTickets(), new RecordingChat(),
        new PostgresLedger(LEDGER.jdbi(), "sandbox", Clock.systemUTC())));
    ENV.start();
  }

  private static final AccessRequestIntake INTAKE = new AccessRequestIntake(
      CatalogFile.load(Path.of("../config/catalog.yml")), Duration.ofHours(72), (r, a, role) -> 0,
      login -> {
        IdpUser user = DIRECTORY.resolveUser(login);
        return new AccessRequestIntake.RequesterCheck.Answer(null, user);
      }, Map.of());

  /** A person's own token: it acts only as dana. */
  private static final String PERSONAL_TOKEN = "dana-personal-token-0123456789";

  static final ResourceExtension RESOURCES = ResourceExtension.builder()
      .addResource(BearerTokenFilter.of(List.of(new ApiToken("integration", TOKEN, true),
          new ApiToken("dana@example.com", PERSONAL_TOKEN, false))))
      .addResource(new AuthValueFactoryProvider.Binder<>(Caller.class))
      .addResource(new ApiErrorMappers.Problems())
      .addResource(new AccessRequestResource(INTAKE, new AccessRequestGateway(ENV.getWorkflowClient(), "resource", QUERIES),
          QUERIES))
      .addResource(new AuditResource(new AuditExport(LEDGER.dataSource()), QUERIES, Clock.systemUTC()))
      .build();

  @AfterAll
  static void close() {
    ENV.close();
    LEDGER.close();
  }

  private static Response post(String json) {
    return RESOURCES.target("/v1/requests").request(MediaType.APPLICATION_JSON_TYPE)
        .header("Authorization", "Bearer " + TOKEN).post(Entity.json(json));
  }

  @Test
  void theCreateAnswerNamesTheRequestersManagerFromTheIdp() {
    Response created = post("""
        {"requestId":"res-1","requester":"dana@example.com","app":"figma","role":"editor","duration":"PT24H",
         "reason":"mockups"}""");
    JsonNode body = created.readEntity(JsonNode.class);
    assertThat(created.getStatus()).as(body.toString()).isEqualTo(201);
    assertThat(body.path("approvers").get(0).asText()).isEqualTo("max@example.com");
    assertThat(body.path("route").get(0).path("approvers").get(0).asText()).isEqualTo("max@example.com");
    assertThat(body.path("route").get(0).path("requesterManager").asBoolean()).isFalse();

    JsonNode view = RESOURCES.target("/v1/requests/res-1").request().header("Authorization", "Bearer " + TOKEN)
        .get(JsonNode.class);
    assertThat(view.path("requester").asText()).isEqualTo("dana@example.com");
    assertThat(view.has("approverMessages")).isFalse();
    assertThat(view.has("stageIndex")).isFalse();
  }

  @Test
  void aRouteNobodyCanCompleteIsA422AndStartsNoWorkflow() {
    Response refused = post("""
        {"requestId":"res-2","requester":"lone@example.com","app":"figma","role":"editor","duration":"PT24H",
         "reason":"mockups"}""");
    JsonNode body = refused.readEntity(JsonNode.class);
    assertThat(refused.getStatus()).as(body.toString()).isEqualTo(422);
    assertThat(body.path("message").asText()).startsWith("figma / editor cannot be routed for lone@example.com:"
        + " stage 'manager'");
    var open = ENV.getWorkflowClient().getWorkflowServiceStubs().blockingStub().listOpenWorkflowExecutions(
        ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(ENV.getNamespace()).build());
    assertThat(open.getExecutionsList()).noneMatch(e -> e.getExecution().getWorkflowId().equals(
        AccessflowTemporal.workflowId("res-2")));
  }

  @Test
  void theCallerIsTheTokensPrincipalAndAPersonalTokenCannotActForSomeoneElse() {
    Response asSomeoneElse = RESOURCES.target("/v1/requests").request(MediaType.APPLICATION_JSON_TYPE)
        .header("Authorization", "Bearer " + PERSONAL_TOKEN).post(Entity.json("""
            {"requestId":"res-3","requester":"max@example.com","app":"figma","role":"editor","duration":"PT24H",
             "reason":"mockups"}"""));
    assertThat(asSomeoneElse.getStatus()).isEqualTo(403);
    assertThat(asSomeoneElse.readEntity(JsonNode.class).path("message").asText())
        .isEqualTo("this token belongs to dana@example.com and cannot act as max@example.com");

    Response asHerself = RESOURCES.target("/v1/requests").request(MediaType.APPLICATION_JSON_TYPE)
        .header("Authorization", "Bearer " + PERSONAL_TOKEN).post(Entity.json("""
            {"requestId":"res-4","app":"figma","role":"editor","duration":"PT24H","reason":"mockups"}"""));
    assertThat(asHerself.getStatus()).isEqualTo(201);
    JsonNode view = RESOURCES.target("/v1/requests/res-4").request().header("Authorization", "Bearer " + TOKEN)
        .get(JsonNode.class);
    assertThat(view.path("requester").asText()).isEqualTo("dana@example.com");
  }

  @Test
  void aWrongOrMissingTokenIsA401BeforeAnyResourceRuns() {
    Response wrong = RESOURCES.target("/v1/requests/res-1").request().header("Authorization", "Bearer nope").get();
    assertThat(wrong.getStatus()).isEqualTo(401);
    assertThat(wrong.getHeaderString("WWW-Authenticate")).isEqualTo("Bearer realm=\"accessflow\"");
    assertThat(wrong.readEntity(JsonNode.class).path("message").asText()).isEqualTo("the bearer token is not valid");
    Response missing = RESOURCES.target("/v1/requests").request(MediaType.APPLICATION_JSON_TYPE)
        .post(Entity.json("{\"requestId\":\"res-5\"}"));
    assertThat(missing.getStatus()).isEqualTo(401);
    assertThat(missing.readEntity(JsonNode.class).path("message").asText())
        .isEqualTo("missing Authorization: Bearer <token> header");
    Response empty = RESOURCES.target("/v1/requests/res-1").request().header("Authorization", "Bearer ").get();
    assertThat(empty.getStatus()).isEqualTo(401);
  }

  private static void awaitInLedger(String requestId) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (QUERIES.state(requestId).isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(QUERIES.state(requestId)).as(requestId + " in the ledger").isPresent();
  }

  /** GET of a path with a query string (target() alone would escape the '?'). */
  private static Response get(String pathAndQuery, String token) {
    String[] parts = pathAndQuery.split("\\?", 2);
    var target = RESOURCES.target(parts[0]);
    if (parts.length == 2) {
      for (String pair : parts[1].split("&")) {
        String[] kv = pair.split("=", 2);
        target = target.queryParam(kv[0], kv.length == 2 ? kv[1] : "");
      }
    }
    return target.request().header("Authorization", "Bearer " + token).get();
  }

  @Test
  void theRequestListComesFromTheLedgerNewestFirstFilteredAndPagedByCursor() throws Exception {
    for (String id : List.of("list-1", "list-2", "list-3")) {
      assertThat(post("{\"requestId\":\"" + id + "\",\"requester\":\"dana@example.com\",\"app\":\"figma\","
          + "\"role\":\"editor\",\"duration\":\"PT24H\",\"reason\":\"mockups\"}").getStatus()).isEqualTo(201);
      awaitInLedger(id);
      Thread.sleep(5); // distinct submission times
    }

    JsonNode first = get("/v1/requests?requester=DANA@example.com&app=figma&limit=2", TOKEN).readEntity(JsonNode.class);
    JsonNode second = get("/v1/requests?requester=dana@example.com&app=figma&limit=2&cursor=" + first.path("next").asText(),
        TOKEN).readEntity(JsonNode.class);

    assertThat(first.path("requests")).extracting(r -> r.path("requestId").asText()).containsExactly("list-3", "list-2");
    assertThat(first.path("requests").get(0).path("status").asText()).isEqualTo("PENDING_APPROVAL");
    assertThat(second.path("requests")).extracting(r -> r.path("requestId").asText()).contains("list-1");
    Response badStatus = get("/v1/requests?status=SLEEPING", TOKEN);
    assertThat(badStatus.getStatus()).isEqualTo(422);
    assertThat(badStatus.readEntity(JsonNode.class).path("message").asText()).startsWith("status must be one of [SUBMITTED");
    assertThat(get("/v1/requests?limit=0", TOKEN).readEntity(JsonNode.class).path("message").asText())
        .isEqualTo("limit must be a whole number between 1 and 500, not '0'");
    assertThat(get("/v1/requests?from=yesterday", TOKEN).readEntity(JsonNode.class).path("field").asText()).isEqualTo("from");
    assertThat(get("/v1/requests?cursor=garbage", TOKEN).getStatus()).isEqualTo(422);
  }

  @Test
  void theAuditExportStreamsTheLedgersChainAndAPersonalTokenReadsOnlyItsOwnTrail() throws Exception {
    assertThat(post("""
        {"requestId":"audit-1","requester":"dana@example.com","app":"figma","role":"editor","duration":"PT24H",
         "reason":"mockups"}""").getStatus()).isEqualTo(201);
    awaitInLedger("audit-1");

    Response jsonl = get("/v1/audit/events?requestId=audit-1", TOKEN);
    String body = jsonl.readEntity(String.class);
    Response csv = get("/v1/audit/events?requestId=audit-1&format=csv", PERSONAL_TOKEN);

    assertThat(jsonl.getStatus()).isEqualTo(200);
    assertThat(jsonl.getHeaderString("Content-Type")).startsWith("application/x-ndjson");
    assertThat(jsonl.getHeaderString("X-Accessflow-Audit-Whole-Chain")).isEqualTo("false");
    assertThat(body.lines().findFirst().orElseThrow()).contains("\"kind\":\"SUBMITTED\"").contains("\"hash\":\"");
    assertThat(new dev.accessflow.ledger.AuditVerifier().verify(new java.io.StringReader(body), true).ok()).isTrue();
    assertThat(csv.getStatus()).isEqualTo(200);
    assertThat(csv.readEntity(String.class)).startsWith("position,requestId,sequence,at,");
    Response someoneElses = get("/v1/audit/events?requester=max@example.com", PERSONAL_TOKEN);
    assertThat(someoneElses.getStatus()).isEqualTo(403);
    assertThat(someoneElses.readEntity(JsonNode.class).path("message").asText())
        .isEqualTo("this token belongs to dana@example.com and reads only its own audit trail");
    Response xml = get("/v1/audit/events?format=xml", TOKEN);
    assertThat(xml.getStatus()).isEqualTo(422);
    assertThat(xml.readEntity(JsonNode.class).path("message").asText()).isEqualTo("format must be jsonl or csv, not 'xml'");
  }
}
