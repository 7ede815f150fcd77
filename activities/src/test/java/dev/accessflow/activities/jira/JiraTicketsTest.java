package dev.accessflow.activities.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.accessflow.activities.jira.JiraStub.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.RequestStatus;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JiraTickets against a stubbed Jira; every request is checked against Atlassian's spec afterwards. */
class JiraTicketsTest {
  private static final String SEARCH = "/rest/api/3/search/jql";
  private static final String CREATE = "/rest/api/3/issue";
  private static final String ISSUE = "/rest/api/3/issue/ACC-7";
  private static final String AUDIT_PROPERTY = ISSUE + "/properties/accessflow.auditSequence";
  private static final String COMMENTS = ISSUE + "/comment";
  private static final String TRANSITIONS = ISSUE + "/transitions";
  private static final Instant AT = Instant.parse("2026-11-27T10:15:30.123Z");

  private final JiraStub jira = new JiraStub();
  private final WireMockServer stub = jira.server;
  private int attempt = 1;
  private final JiraTickets tickets = new JiraTickets(jira.config(), jira.client(), () -> attempt);
  private boolean expectRequests = true;

  @AfterEach
  void checkContract() {
    try {
      int checked = jira.assertContract();
      if (expectRequests) {
        assertThat(checked).as("requests checked against the spec").isPositive();
      }
    } finally {
      jira.close();
    }
  }

  // ---- openTicket ----

  @Test
  void createsTheIssueWhenNoneExists() {
    stub.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
    stub.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":\"10007\",\"key\":\"ACC-7\",\"self\":\"" + stub.baseUrl() + "/rest/api/3/issue/10007\"}")));

    assertThat(tickets.openTicket(request("req-1", null))).isEqualTo("ACC-7");

    JsonNode search = JiraStub.body(only(SEARCH));
    assertThat(search.get("jql").asText())
        .isEqualTo("project = \"ACC\" AND labels = \"accessflow-req-1\" ORDER BY created ASC");
    assertThat(search.get("properties").get(0).asText()).isEqualTo("accessflow.requestId");

    JsonNode fields = JiraStub.body(only(CREATE)).get("fields");
    assertThat(fields.get("project").get("key").asText()).isEqualTo("ACC");
    assertThat(fields.get("issuetype").get("name").asText()).isEqualTo("Access request");
    assertThat(fields.get("summary").asText())
        .isEqualTo("Access request: ada@acme.example -> github / admin for 4h");
    assertThat(fields.get("labels")).extracting(JsonNode::asText).containsExactly("accessflow", "accessflow-req-1");
    assertThat(fields.get("customfield_10100").asText()).isEqualTo("ada@acme.example");
    assertThat(fields.get("customfield_10101").asText()).isEqualTo("github");
    assertThat(fields.get("customfield_10102").asText()).isEqualTo("admin");
    assertThat(fields.get("customfield_10104").asText()).startsWith("Fix the release pipeline");
    // ISO-8601, the format the webhook's intake reads: the issue must not come back as a bad Jira-born request.
    assertThat(fields.get("customfield_10103").asText()).isEqualTo("PT4H");
    assertThat(Adf.containsText(fields.get("description"), "gh-admins")).isTrue();
    JsonNode property = JiraStub.body(only(CREATE)).get("properties").get(0);
    assertThat(property.get("key").asText()).isEqualTo("accessflow.requestId");
    assertThat(property.get("value").get("requestId").asText()).isEqualTo("req-1");
  }

  @Test
  void aDriftReportOpensOneIssueLabelledForDriftAndARetryFindsIt() {
    stub.stubFor(post(urlPathEqualTo(SEARCH)).inScenario("drift").whenScenarioStateIs(STARTED)
        .willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
    stub.stubFor(post(urlPathEqualTo(CREATE)).inScenario("drift").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":\"10009\",\"key\":\"ACC-9\",\"self\":\"" + stub.baseUrl() + "/rest/api/3/issue/10009\"}"))
        .willSetStateTo("created"));
    stub.stubFor(post(urlPathEqualTo(SEARCH)).inScenario("drift").whenScenarioStateIs("created")
        .willReturn(okJson("{\"issues\":[{\"id\":\"10009\",\"key\":\"ACC-9\",\"fields\":{\"labels\":[\"accessflow-drift-12\"]},"
            + "\"properties\":{\"accessflow.requestId\":{\"requestId\":\"drift-12\"}}}],\"isLast\":true}")));

    String key = tickets.openDriftTicket("drift-12", "Access drift: ed@acme.example in group 00gADMINS with no grant",
        "accessflow found access nobody granted through it.\nFinding 12: ed@acme.example");
    String again = tickets.openDriftTicket("drift-12", "Access drift: ed@acme.example in group 00gADMINS with no grant",
        "accessflow found access nobody granted through it.");

    assertThat(key).isEqualTo("ACC-9");
    assertThat(again).isEqualTo("ACC-9");
    stub.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
    JsonNode fields = JiraStub.body(only(CREATE)).get("fields");
    assertThat(fields.get("summary").asText()).isEqualTo("Access drift: ed@acme.example in group 00gADMINS with no grant");
    assertThat(fields.get("labels")).extracting(JsonNode::asText)
        .containsExactly("accessflow", "accessflow-drift", "accessflow-drift-12");
    assertThat(Adf.containsText(fields.get("description"), "Finding 12: ed@acme.example")).isTrue();
  }

  @Test
  void aReviewCampaignOpensOneIssueLabelledForReviewsAndItsRecordIsCommentedOnceEachPart() {
    stub.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
    stub.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"id\":\"10007\",\"key\":\"ACC-7\",\"self\":\"" + stub.baseUrl() + "/rest/api/3/issue/10007\"}")));
    String key = tickets.openReviewTicket("rv-1", "Access review: Grafana admins Q4 (grafana/admin), due 2026-12-16",
        "accessflow access review rv-1: Grafana admins Q4\nScope: grafana/admin");
    assertThat(key).isEqualTo("ACC-7");
    JsonNode fields = JiraStub.body(only(CREATE)).get("fields");
    assertThat(fields.get("labels")).extracting(JsonNode::asText)
        .containsExactly("accessflow", "accessflow-review", "accessflow-review-rv-1");
    assertThat(Adf.containsText(fields.get("description"), "Scope: grafana/admin")).isTrue();

    // Part 3 of the record: not on the issue yet, so it is written; then found there, so never twice.
    stub.stubFor(get(urlPathEqualTo(COMMENTS)).inScenario("review").whenScenarioStateIs(STARTED)
        .willReturn(okJson("{\"comments\":[]}")));
    stub.stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("review").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
            .withBody("{\"id\":\"3\",\"body\":{\"type\":\"doc\",\"version\":1,\"content\":[]}}"))
        .willSetStateTo("commented"));
    tickets.commentReview("ACC-7", "rv-1", 3, "Item 12 · ed@acme.example · grafana/admin · REVOKE by omar via SLACK");
    List<JsonNode> sent = jira.adfBodies();
    JsonNode written = sent.get(sent.size() - 1); // after the issue's description
    assertThat(Adf.containsText(written, "REVOKE by omar via SLACK")).isTrue();
    assertThat(Adf.containsText(written, "[accessflow review-rv-1 #3]")).isTrue();
    stub.stubFor(get(urlPathEqualTo(COMMENTS)).inScenario("review").whenScenarioStateIs("commented")
        .willReturn(okJson("{\"comments\":[{\"id\":\"3\",\"body\":" + written + "}]}")));
    tickets.commentReview("ACC-7", "rv-1", 3, "Item 12 · ed@acme.example · grafana/admin · REVOKE by omar via SLACK");
    stub.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
  }

  @Test
  void aRetriedOpenTicketFindsTheIssueOfTheFirstAttempt() {
    // Attempt 1 created ACC-7 but its answer was lost; Jira's search now shows the issue.
    stub.stubFor(post(urlPathEqualTo(SEARCH)).inScenario("create").whenScenarioStateIs(STARTED)
        .willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
    stub.stubFor(post(urlPathEqualTo(CREATE)).inScenario("create").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("created"));
    stub.stubFor(post(urlPathEqualTo(SEARCH)).inScenario("create").whenScenarioStateIs("created")
        .willReturn(okJson("{\"issues\":[{\"id\":\"10007\",\"key\":\"ACC-7\",\"fields\":{\"labels\":[\"accessflow-req-1\"]},"
            + "\"properties\":{\"accessflow.requestId\":{\"requestId\":\"req-1\"}}}],\"isLast\":true}")));

    // The lost answer: retryable, and the retry waits for the search index to catch up.
    assertThatThrownBy(() -> tickets.openTicket(request("req-1", null)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getType()).isEqualTo(JiraFailures.UNAVAILABLE);
          assertThat(f.getNextRetryDelay()).isEqualTo(JiraTickets.UNKNOWN_CREATE_RETRY);
        });
    attempt = 2;
    assertThat(tickets.openTicket(request("req-1", null))).isEqualTo("ACC-7");

    stub.verify(1, postRequestedFor(urlPathEqualTo(CREATE)));
    stub.verify(2, postRequestedFor(urlPathEqualTo(SEARCH)));
  }

  @Test
  void aSearchHitOfAnotherRequestIsNotAdopted() {
    // "req 1" and "req_1" share the sanitised label; the property tells them apart.
    stub.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(okJson("{\"issues\":[{\"id\":\"10003\",\"key\":\"ACC-3\","
        + "\"properties\":{\"accessflow.requestId\":{\"requestId\":\"req_1\"}}}]}")));
    stub.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":\"10008\",\"key\":\"ACC-8\"}")));

    assertThat(tickets.openTicket(request("req 1", null))).isEqualTo("ACC-8");
    assertThat(JiraStub.body(only(SEARCH)).get("jql").asText()).contains("labels = \"accessflow-req_1\"");
  }

  @Test
  void adoptsTheIssueTheRequestStartedIn() {
    expectRequests = false;

    assertThat(tickets.openTicket(request("ACC-42", "ACC-42"))).isEqualTo("ACC-42");

    assertThat(stub.getAllServeEvents()).isEmpty();
  }

  // ---- record ----

  @Test
  void writesOneValidAdfCommentPerEntryAndTracksTheSequence() {
    stub.stubFor(get(urlPathEqualTo(AUDIT_PROPERTY)).inScenario("seq").whenScenarioStateIs(STARTED)
        .willReturn(notFound().withHeader("Content-Type", "application/json")
            .withBody("{\"errorMessages\":[\"The property with key 'accessflow.auditSequence' does not exist.\"]}")));
    stub.stubFor(get(urlPathEqualTo(AUDIT_PROPERTY)).inScenario("seq").whenScenarioStateIs("one")
        .willReturn(okJson("{\"key\":\"accessflow.auditSequence\",\"value\":{\"requestId\":\"req-1\",\"sequence\":1}}")));
    stub.stubFor(put(urlPathEqualTo(AUDIT_PROPERTY)).inScenario("seq").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(201)).willSetStateTo("one"));
    stub.stubFor(put(urlPathEqualTo(AUDIT_PROPERTY)).inScenario("seq").whenScenarioStateIs("one")
        .willReturn(aResponse().withStatus(200)));
    stubComment();
    stubStatus("Open");

    tickets.record("ACC-7", "req-1", entry(1, AuditKind.SUBMITTED, RequestStatus.SUBMITTED, "Requested by ada"));
    tickets.record("ACC-7", "req-1", entry(2, AuditKind.DECISION, RequestStatus.SUBMITTED,
        "grace approved\nstage manager: 1 of 1"));

    List<JsonNode> comments = jira.adfBodies();
    assertThat(comments).hasSize(2);
    assertThat(Adf.containsText(comments.get(0), "[accessflow req-1 #1]")).isTrue();
    assertThat(Adf.containsText(comments.get(0), "Submitted")).isTrue();
    assertThat(Adf.containsText(comments.get(0), "2026-11-27T10:15:30Z")).isTrue();
    assertThat(Adf.containsText(comments.get(1), "[accessflow req-1 #2]")).isTrue();
    assertThat(Adf.containsText(comments.get(1), "stage manager: 1 of 1")).isTrue();
    stub.verify(putRequestedFor(urlPathEqualTo(AUDIT_PROPERTY))
        .withRequestBody(equalToJson("{\"requestId\":\"req-1\",\"sequence\":2}")));
    // First attempts never read comments; SUBMITTED has no Jira status in the map, so no transition.
    stub.verify(0, getRequestedFor(urlPathEqualTo(COMMENTS)));
    stub.verify(0, getRequestedFor(urlPathEqualTo(ISSUE)));
  }

  @Test
  void skipsAnEntryWhoseSequenceIsAlreadyWritten() {
    stubProgress(3);
    stubStatus("Pending approval");

    tickets.record("ACC-7", "req-1", entry(3, AuditKind.SUBMITTED, RequestStatus.PENDING_APPROVAL, "again"));
    tickets.record("ACC-7", "req-1", entry(2, AuditKind.SUBMITTED, RequestStatus.PENDING_APPROVAL, "older"));

    stub.verify(0, postRequestedFor(urlPathEqualTo(COMMENTS)));
    stub.verify(0, putRequestedFor(urlPathEqualTo(AUDIT_PROPERTY)));
    // The re-sent current step still makes sure of its status (already there: no transition).
    stub.verify(1, getRequestedFor(urlPathEqualTo(ISSUE)));
    stub.verify(0, postRequestedFor(urlPathEqualTo(TRANSITIONS)));
  }

  @Test
  void aRetryAfterACrashBetweenCommentAndPropertyDoesNotCommentTwice() {
    stubProgress(1);
    stub.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("{\"startAt\":0,\"maxResults\":20,\"total\":2,\"comments\":["
        + "{\"id\":\"2\",\"body\":" + Adf.auditComment("req-1", entry(2, AuditKind.APPROVED, RequestStatus.APPROVED, "ok"))
        + "},{\"id\":\"1\",\"body\":{\"type\":\"doc\",\"version\":1,\"content\":[]}}]}")));
    stub.stubFor(put(urlPathEqualTo(AUDIT_PROPERTY)).willReturn(aResponse().withStatus(200)));
    attempt = 2;

    tickets.record("ACC-7", "req-1", entry(2, AuditKind.APPROVED, RequestStatus.APPROVED, "ok"));

    stub.verify(0, postRequestedFor(urlPathEqualTo(COMMENTS)));
    stub.verify(getRequestedFor(urlPathEqualTo(COMMENTS))
        .withQueryParam("orderBy", equalTo("-created")).withQueryParam("maxResults", equalTo("20")));
    stub.verify(putRequestedFor(urlPathEqualTo(AUDIT_PROPERTY))
        .withRequestBody(equalToJson("{\"requestId\":\"req-1\",\"sequence\":2}")));
  }

  @Test
  void aRetryWhoseCommentIsMissingWritesIt() {
    stubProgress(1);
    stub.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("{\"comments\":[]}")));
    stubComment();
    stub.stubFor(put(urlPathEqualTo(AUDIT_PROPERTY)).willReturn(aResponse().withStatus(200)));
    attempt = 3;

    tickets.record("ACC-7", "req-1", entry(2, AuditKind.APPROVED, RequestStatus.APPROVED, "ok"));

    stub.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
  }

  @Test
  void movesTheIssueToTheMappedStatus() {
    stubProgress(3);
    stubComment();
    stub.stubFor(put(urlPathEqualTo(AUDIT_PROPERTY)).willReturn(aResponse().withStatus(200)));
    stubStatus("Pending approval");
    stub.stubFor(get(urlPathEqualTo(TRANSITIONS)).willReturn(okJson("{\"transitions\":["
        + "{\"id\":\"21\",\"name\":\"Decline\",\"to\":{\"id\":\"3\",\"name\":\"Declined\"},\"isAvailable\":true},"
        + "{\"id\":\"31\",\"name\":\"Grant\",\"to\":{\"id\":\"4\",\"name\":\"Access granted\"},\"isAvailable\":true}]}")));
    stub.stubFor(post(urlPathEqualTo(TRANSITIONS)).willReturn(noContent()));

    tickets.record("ACC-7", "req-1", entry(4, AuditKind.PROVISIONED, RequestStatus.ACTIVE, "added to gh-admins"));

    stub.verify(getRequestedFor(urlPathEqualTo(ISSUE)).withQueryParam("fields", equalTo("status")));
    stub.verify(postRequestedFor(urlPathEqualTo(TRANSITIONS)).withRequestBody(equalToJson("{\"transition\":{\"id\":\"31\"}}")));
  }

  @Test
  void anAuditKindMappingWinsOverTheStatusMapping() {
    stubProgress(5);
    stubComment();
    stub.stubFor(put(urlPathEqualTo(AUDIT_PROPERTY)).willReturn(aResponse().withStatus(200)));
    stubStatus("Access granted");
    stub.stubFor(get(urlPathEqualTo(TRANSITIONS)).willReturn(okJson("{\"transitions\":["
        + "{\"id\":\"41\",\"name\":\"Flag\",\"to\":{\"id\":\"6\",\"name\":\"Revocation overdue\"}}]}")));
    stub.stubFor(post(urlPathEqualTo(TRANSITIONS)).willReturn(noContent()));

    tickets.record("ACC-7", "req-1", entry(6, AuditKind.REVOCATION_OVERDUE, RequestStatus.REVOKING, "still a member"));

    stub.verify(postRequestedFor(urlPathEqualTo(TRANSITIONS)).withRequestBody(matchingJsonPath("$.transition.id", equalTo("41"))));
  }

  @Test
  void noTransitionToTheTargetStatusIsNotAFailure() {
    stubProgress(3);
    stubComment();
    stub.stubFor(put(urlPathEqualTo(AUDIT_PROPERTY)).willReturn(aResponse().withStatus(200)));
    stubStatus("Open");
    stub.stubFor(get(urlPathEqualTo(TRANSITIONS)).willReturn(okJson("{\"transitions\":["
        + "{\"id\":\"11\",\"name\":\"Start\",\"to\":{\"id\":\"2\",\"name\":\"In progress\"}}]}")));

    tickets.record("ACC-7", "req-1", entry(4, AuditKind.DENIED, RequestStatus.DENIED, "denied by grace"));

    stub.verify(1, postRequestedFor(urlPathEqualTo(COMMENTS)));
    stub.verify(0, postRequestedFor(urlPathEqualTo(TRANSITIONS)));
  }

  @Test
  void aNullTicketKeyDoesNothing() {
    expectRequests = false;

    tickets.record(null, "req-1", entry(1, AuditKind.SUBMITTED, RequestStatus.SUBMITTED, "x"));

    assertThat(stub.getAllServeEvents()).isEmpty();
  }

  // ---- failures ----

  @Test
  void jira503IsRetryableHonouringRetryAfterAndTheRetrySucceeds() {
    stubProgress(0);
    stub.stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("flaky").whenScenarioStateIs(STARTED)
        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "7")
            .withHeader("Content-Type", "text/html").withBody("<html>maintenance</html>"))
        .willSetStateTo("up"));
    stub.stubFor(post(urlPathEqualTo(COMMENTS)).inScenario("flaky").whenScenarioStateIs("up")
        .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":\"100\"}")));
    stub.stubFor(get(urlPathEqualTo(COMMENTS)).willReturn(okJson("{\"comments\":[]}")));
    stub.stubFor(put(urlPathEqualTo(AUDIT_PROPERTY)).willReturn(aResponse().withStatus(201)));
    AuditEntry entry = entry(1, AuditKind.SUBMITTED, RequestStatus.SUBMITTED, "Requested");

    assertThatThrownBy(() -> tickets.record("ACC-7", "req-1", entry))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getType()).isEqualTo(JiraFailures.UNAVAILABLE);
          assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7));
          assertThat(f.getOriginalMessage()).contains("503").doesNotContain("maintenance");
        });
    attempt = 2;
    tickets.record("ACC-7", "req-1", entry);

    stub.verify(2, postRequestedFor(urlPathEqualTo(COMMENTS)));
    stub.verify(1, putRequestedFor(urlPathEqualTo(AUDIT_PROPERTY)));
  }

  @Test
  void unauthorizedIsNonRetryableAndNeverShowsTheToken() {
    stub.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"errorMessages\":[\"Client must be authenticated to access this resource.\"],\"errors\":{}}")));
    String basic = Base64.getEncoder().encodeToString((JiraStub.EMAIL + ":" + JiraStub.TOKEN).getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> tickets.openTicket(request("req-1", null)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getType()).isEqualTo(JiraFailures.REJECTED);
          assertThat(f.getOriginalMessage())
              .contains("401", "/rest/api/3/search/jql", "Client must be authenticated")
              .doesNotContain(JiraStub.TOKEN).doesNotContain(basic);
          assertThat(f.toString()).doesNotContain(JiraStub.TOKEN).doesNotContain(basic);
        });
    stub.verify(0, postRequestedFor(urlPathEqualTo(CREATE)));
  }

  @Test
  void aRejectedCreateIsNonRetryableWithJirasFieldErrors() {
    stub.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(okJson("{\"issues\":[]}")));
    stub.stubFor(post(urlPathEqualTo(CREATE)).willReturn(aResponse().withStatus(400)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"errorMessages\":[],\"errors\":{\"customfield_10100\":\"Field does not exist on screen\"}}")));

    assertThatThrownBy(() -> tickets.openTicket(request("req-1", null)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains("400", "customfield_10100: Field does not exist on screen");
        });
  }

  @Test
  void rateLimitingIsRetryableWithJirasDelay() {
    stub.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "30")));

    assertThatThrownBy(() -> tickets.openTicket(request("req-1", null)))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(30));
        });
  }

  // ---- helpers ----

  private ServeEvent only(String path) {
    List<ServeEvent> events = stub.getAllServeEvents().stream()
        .filter(e -> e.getRequest().getUrl().startsWith(path) && e.getRequest().getMethod().getName().equals("POST"))
        .toList();
    assertThat(events).as("POST %s", path).hasSize(1);
    return events.get(0);
  }

  private void stubProgress(long sequence) {
    stub.stubFor(get(urlPathEqualTo(AUDIT_PROPERTY)).willReturn(sequence == 0
        ? notFound()
        : okJson("{\"key\":\"accessflow.auditSequence\",\"value\":{\"requestId\":\"req-1\",\"sequence\":" + sequence + "}}")));
  }

  private void stubComment() {
    stub.stubFor(post(urlPathEqualTo(COMMENTS)).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json").withBody("{\"id\":\"100\"}")));
  }

  private void stubStatus(String name) {
    stub.stubFor(get(urlPathEqualTo(ISSUE)).willReturn(okJson("{\"id\":\"10007\",\"key\":\"ACC-7\",\"fields\":{\"status\":{\"id\":\"1\",\"name\":\""
        + name + "\"}}}")));
  }

  private static AuditEntry entry(long sequence, AuditKind kind, RequestStatus status, String text) {
    return new AuditEntry(sequence, AT, kind, status, text);
  }
}
