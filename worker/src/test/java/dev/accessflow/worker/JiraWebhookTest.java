package dev.accessflow.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.accessflow.activities.jira.JiraWebhookSignature;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** POST /jira/webhook against the real process, with WireMock standing in for Jira Cloud. */
@ExtendWith(DropwizardExtensionsSupport.class)
class JiraWebhookTest {
  private static final String SECRET = "webhook-test-secret";
  private static final JiraWebhookSignature SIGNER = new JiraWebhookSignature(SECRET);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String APP_FIELD = "customfield_10001";
  private static final String ROLE_FIELD = "customfield_10002";
  private static final String DURATION_FIELD = "customfield_10003";
  private static final String REASON_FIELD = "customfield_10004";

  // Started before the app: the app's config needs its (free) port.
  static final WireMockServer JIRA = startJira();

  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(
      ConfigOverride.config("jira.baseUrl", JIRA.baseUrl()),
      ConfigOverride.config("jira.email", "accessflow-bot@example.com"),
      ConfigOverride.config("jira.apiToken", "jira-test-token"),
      ConfigOverride.config("jira.projectKey", "ITS"),
      ConfigOverride.config("jira.webhookSecret", SECRET),
      ConfigOverride.config("jira.appField", APP_FIELD),
      ConfigOverride.config("jira.roleField", ROLE_FIELD),
      ConfigOverride.config("jira.durationField", DURATION_FIELD),
      ConfigOverride.config("jira.reasonField", REASON_FIELD));

  private final HttpClient client = HttpClient.newHttpClient();
  private Http http;

  private static WireMockServer startJira() {
    WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());
    server.start();
    return server;
  }

  @BeforeAll
  static void jiraDefaults() {
    // What the workflow's own ticket adapter calls for issues that started in Jira.
    JIRA.stubFor(post(urlPathMatching("/rest/api/3/issue/[^/]+/comment")).willReturn(okJson("{\"id\":\"1\"}").withStatus(201)));
    JIRA.stubFor(put(urlPathMatching("/rest/api/3/issue/[^/]+/properties/.*")).willReturn(aResponse().withStatus(200)));
    JIRA.stubFor(get(urlPathMatching("/rest/api/3/issue/[^/]+/transitions")).willReturn(okJson("""
        {"transitions":[
          {"id":"11","name":"Back to review","to":{"id":"1","name":"Pending approval"}},
          {"id":"21","name":"Approve","to":{"id":"2","name":"Approved"}},
          {"id":"31","name":"Grant","to":{"id":"3","name":"Access granted"}},
          {"id":"41","name":"Decline","to":{"id":"4","name":"Declined"}}]}""")));
    JIRA.stubFor(post(urlPathMatching("/rest/api/3/issue/[^/]+/transitions")).willReturn(aResponse().withStatus(204)));
    user("acc-dana", "dana@example.com");
    user("acc-omar", "omar@example.com");
  }

  @AfterAll
  static void stopJira() {
    JIRA.stop();
  }

  @BeforeEach
  void http() {
    http = new Http(APP.getLocalPort());
  }

  @Test
  void signedIssueCreatedStartsOneWorkflowAndARetryStartsNothing() throws Exception {
    issue("ITS-1", "grafana", "admin", "PT1H", "debug the dashboards");
    String body = created("ITS-1");
    String delivery = UUID.randomUUID().toString();

    Reply first = deliverSigned(body, delivery);
    assertThat(first.status()).isEqualTo(202);
    assertThat(first.body().path("result").asText()).isEqualTo("started");

    Http.Reply state = http.get("/v1/requests/ITS-1");
    assertThat(state.status()).isEqualTo(200);
    assertThat(state.body().path("ticketKey").asText()).isEqualTo("ITS-1");
    assertThat(state.body().path("requester").asText()).isEqualTo("dana@example.com");
    assertThat(state.body().path("source").asText()).isEqualTo("JIRA");

    // Jira retries with the same identifier; a second delivery of the same event has a new one.
    Reply retry = deliverSigned(body, delivery);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.body().path("result").asText()).isEqualTo("duplicate");
    Reply again = deliverSigned(body, UUID.randomUUID().toString());
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("result").asText()).isEqualTo("duplicate");
    assertThat(http.get("/v1/requests/ITS-1").body().path("submittedAt"))
        .isEqualTo(state.body().path("submittedAt"));
  }

  @Test
  void badOrMissingSignatureIsUnauthorizedAndStartsNothing() throws Exception {
    issue("ITS-2", "grafana", "admin", "PT1H", "debug");
    String body = created("ITS-2");
    Reply forged = deliver(body, new JiraWebhookSignature("another-secret").sign(bytes(body)), "d-forged");
    assertThat(forged.status()).isEqualTo(401);
    Reply unsigned = deliver(body, null, "d-unsigned");
    assertThat(unsigned.status()).isEqualTo(401);
    Reply tampered = deliver(body.replace("ITS-2", "ITS-9"), SIGNER.sign(bytes(body)), "d-tampered");
    assertThat(tampered.status()).isEqualTo(401);
    assertThat(http.get("/v1/requests/ITS-2").status()).isEqualTo(404);
  }

  @Test
  void badJsonIsABadRequest() throws Exception {
    String body = "{\"webhookEvent\": ";
    assertThat(deliverSigned(body, "d-badjson").status()).isEqualTo(400);
  }

  @Test
  void oversizedBodyIsRefused() throws Exception {
    String body = "{\"webhookEvent\":\"jira:issue_created\",\"pad\":\"" + "x".repeat(300 * 1024) + "\"}";
    assertThat(deliverSigned(body, "d-big").status()).isEqualTo(413);
  }

  @Test
  void declineByAnApproverDeniesTheRequest() throws Exception {
    start("ITS-6");
    changelog("ITS-6", "acc-omar", "Pending approval", "Declined");
    String body = updated("ITS-6", "Pending approval", "Declined");
    Reply reply = deliverSigned(body, "d-decline");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().path("result").asText()).isEqualTo("decided");
    awaitStatus("ITS-6", "DENIED");
  }

  @Test
  void invalidFieldsAreCommentedOnTheIssueAndStartNothing() throws Exception {
    issue("ITS-3", "grafana", "owner", "PT1H", "debug");
    String body = created("ITS-3");
    Reply reply = deliverSigned(body, "d-invalid");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().path("result").asText()).isEqualTo("rejected");
    JIRA.verify(1, postRequestedFor(urlPathEqualTo("/rest/api/3/issue/ITS-3/comment"))
        .withRequestBody(containing("(field: role)"))
        .withRequestBody(containing("unknown role 'owner' for app grafana; its roles: viewer, admin")));
    assertThat(http.get("/v1/requests/ITS-3").status()).isEqualTo(404);
  }

  @Test
  void aReporterTheIdpDoesNotKnowIsToldOnTheIssueAndNothingStarts() throws Exception {
    user("acc-ghost", "ghost@example.com");
    issue("ITS-7", "grafana", "admin", "PT1H", "debug", "acc-ghost");
    Reply reply = deliverSigned(created("ITS-7"), "d-ghost");
    assertThat(reply.body().path("result").asText()).isEqualTo("rejected");
    JIRA.verify(1, postRequestedFor(urlPathEqualTo("/rest/api/3/issue/ITS-7/comment"))
        .withRequestBody(containing("(field: requester)"))
        .withRequestBody(containing("ghost@example.com cannot be granted access")));
    assertThat(http.get("/v1/requests/ITS-7").status()).isEqualTo(404);
  }

  @Test
  void approvalByAnApproverIsApplied() throws Exception {
    start("ITS-4");
    changelog("ITS-4", "acc-omar", "Pending approval", "Approved");
    String body = updated("ITS-4", "Pending approval", "Approved");
    Reply reply = deliverSigned(body, "d-approve");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().path("result").asText()).isEqualTo("decided");
    JsonNode state = awaitStatus("ITS-4", "ACTIVE");
    assertThat(state.path("decisions").get(0).path("actor").asText()).isEqualTo("omar@example.com");
  }

  @Test
  void approvalByTheRequesterIsRefusedCommentedAndMovedBack() throws Exception {
    start("ITS-5");
    changelog("ITS-5", "acc-dana", "Pending approval", "Approved");
    String body = updated("ITS-5", "Pending approval", "Approved");
    Reply reply = deliverSigned(body, "d-self");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body().path("result").asText()).isEqualTo("refused");
    JIRA.verify(1, postRequestedFor(urlPathEqualTo("/rest/api/3/issue/ITS-5/comment"))
        .withRequestBody(containing("requested this access and cannot approve or deny it"))
        .withRequestBody(containing("moved back to 'Pending approval'")));
    JIRA.verify(1, postRequestedFor(urlPathEqualTo("/rest/api/3/issue/ITS-5/transitions"))
        .withRequestBody(matchingJsonPath("$.transition.id", equalTo("11"))));
    assertThat(http.get("/v1/requests/ITS-5").body().path("status").asText()).isEqualTo("PENDING_APPROVAL");
  }

  @Test
  void anIssueAccessflowOpenedIsNoNewRequestAndMovingItDecidesTheRequestItWasOpenedFor() throws Exception {
    JIRA.stubFor(post(urlPathEqualTo("/rest/api/3/search/jql")).willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
    JIRA.stubFor(post(urlPathEqualTo("/rest/api/3/issue"))
        .willReturn(okJson("{\"id\":\"10015\",\"key\":\"ITS-15\"}").withStatus(201)));
    JIRA.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ITS-15")).atPriority(5).willReturn(okJson(
        "{\"id\":\"10015\",\"key\":\"ITS-15\",\"fields\":{\"project\":{\"key\":\"ITS\"},"
            + "\"status\":{\"name\":\"Pending approval\"},\"reporter\":{\"accountId\":\"acc-bot\"}}}")));
    owner("ITS-15", "REQ-JIRA15");
    Http.Reply made = http.post("/v1/requests", """
        {"requestId":"REQ-JIRA15","requester":"dana@example.com","app":"grafana","role":"admin","duration":"PT1H",
         "reason":"dashboards"}""");
    assertThat(made.status()).isEqualTo(201);
    awaitTicket("REQ-JIRA15", "ITS-15");
    // What accessflow wrote is what it reads back: the duration field as ISO-8601.
    JIRA.verify(postRequestedFor(urlPathEqualTo("/rest/api/3/issue"))
        .withRequestBody(matchingJsonPath("$.fields." + DURATION_FIELD, equalTo("PT1H"))));

    // Jira echoes the issue accessflow created: not a new request, no comment about bad fields.
    Reply echo = deliverSigned(created("ITS-15"), "d-echo-15");
    assertThat(echo.body().path("result").asText()).isEqualTo("ignored");
    assertThat(echo.body().path("detail").asText()).isEqualTo("opened by accessflow for request REQ-JIRA15");
    assertThat(http.get("/v1/requests/ITS-15").status()).isEqualTo(404);
    JIRA.verify(0, postRequestedFor(urlPathEqualTo("/rest/api/3/issue/ITS-15/comment"))
        .withRequestBody(containing("cannot start")));

    // A person's issue claiming to be that request's ticket decides nothing, and is moved back.
    owner("ITS-16", "REQ-JIRA15");
    changelog("ITS-16", "acc-omar", "Pending approval", "Approved");
    Reply forged = deliverSigned(updated("ITS-16", "Pending approval", "Approved"), "d-forged-16");
    assertThat(forged.body().path("result").asText()).isEqualTo("refused");
    assertThat(forged.body().path("detail").asText()).contains("not the ticket of request REQ-JIRA15");
    assertThat(http.get("/v1/requests/REQ-JIRA15").body().path("decisions")).isEmpty();

    // The app owner moves the real ticket to Approved: the request is approved and granted.
    changelog("ITS-15", "acc-omar", "Pending approval", "Approved");
    Reply approved = deliverSigned(updated("ITS-15", "Pending approval", "Approved"), "d-approve-15");
    assertThat(approved.body().path("result").asText()).isEqualTo("decided");
    JsonNode active = awaitStatus("REQ-JIRA15", "ACTIVE");
    assertThat(active.path("decisions").get(0).path("actor").asText()).isEqualTo("omar@example.com");
    assertThat(active.path("decisions").get(0).path("channel").asText()).isEqualTo("JIRA");
  }

  @Test
  void aReviewerDecidesItemsInACommentOnTheCampaignsIssueWithTheSameRulesAsSlack() throws Exception {
    JIRA.stubFor(post(urlPathEqualTo("/rest/api/3/search/jql")).withRequestBody(containing("accessflow-review"))
        .willReturn(okJson("{\"issues\":[],\"isLast\":true}")));
    JIRA.stubFor(post(urlPathEqualTo("/rest/api/3/issue")).withRequestBody(containing("accessflow-review"))
        .willReturn(okJson("{\"id\":\"10900\",\"key\":\"ITS-90\",\"self\":\"" + JIRA.baseUrl()
            + "/rest/api/3/issue/10900\"}").withStatus(201)));
    for (String login : List.of("ed@example.com", "bea@example.com")) {
      http.post("/v1/sandbox/memberships", "{\"group\":\"grafana-admins\",\"login\":\"" + login
          + "\",\"action\":\"add\"}");
    }
    http.await("/v1/inventory?group=grafana-admins", r -> r.body().path("items").size() >= 2, Duration.ofSeconds(20));
    String id = http.post("/v1/reviews", """
        {"name":"Grafana admins","scope":{"roles":["grafana/admin"]},"reviewers":"owners","dueIn":"P7D",
         "unreviewed":"keep","startedBy":"omar@example.com"}""").text("reviewId");
    JsonNode review = http.await("/v1/reviews/" + id, r -> r.text("state").equals("open")
        && "ITS-90".equals(r.text("ticketKey")), Duration.ofSeconds(30)).body();
    long ed = 0;
    long bea = 0;
    for (JsonNode item : review.path("items")) {
      if (item.path("login").asText().equals("ed@example.com")) {
        ed = item.path("itemId").asLong();
      } else if (item.path("login").asText().equals("bea@example.com")) {
        bea = item.path("itemId").asLong();
      }
    }
    owner("ITS-90", "review-" + id);
    // The delivery says only which comment; accessflow reads it (and its author) from Jira's API.
    JIRA.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ITS-90/comment/10100")).willReturn(okJson("""
        {"id":"10100","author":{"accountId":"acc-omar"},"created":"2026-12-02T10:00:00.000+0000","body":
         {"type":"doc","version":1,"content":[
          {"type":"paragraph","content":[{"type":"text","text":"Done with the first two:"}]},
          {"type":"paragraph","content":[{"type":"text","text":"keep %d"}]},
          {"type":"paragraph","content":[{"type":"text","text":"revoke %d: moved to sales"}]}]}}""".formatted(bea, ed))));
    JIRA.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ITS-90/comment/10101")).willReturn(okJson("""
        {"id":"10101","author":{"accountId":"acc-dana"},"created":"2026-12-02T10:01:00.000+0000","body":
         {"type":"doc","version":1,"content":[{"type":"paragraph","content":[{"type":"text","text":"keep %d"}]}]}}"""
        .formatted(ed))));

    Reply omar = deliverSigned("{\"webhookEvent\":\"comment_created\",\"issue\":{\"key\":\"ITS-90\"},"
        + "\"comment\":{\"id\":\"10100\"}}", "comment-10100");
    assertThat(omar.status()).isEqualTo(200);
    assertThat(omar.body().path("result").asText()).isEqualTo("review");
    assertThat(omar.body().path("detail").asText()).isEqualTo("2 recorded, 0 refused");
    JsonNode decided = http.get("/v1/reviews/" + id + "?state=decided").body();
    assertThat(decided.path("items")).extracting(i -> i.path("decidedVia").asText()).containsOnly("JIRA");
    assertThat(decided.path("items")).extracting(i -> i.path("decidedBy").asText()).containsOnly("omar@example.com");
    JIRA.verify(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/ITS-90/comment"))
        .withRequestBody(containing("Recorded for omar@example.com: keep " + bea + ", revoke " + ed)));

    // Dana is no reviewer here, and ed's item is decided: refused, said on the issue, nothing changed.
    Reply dana = deliverSigned("{\"webhookEvent\":\"comment_created\",\"issue\":{\"key\":\"ITS-90\"},"
        + "\"comment\":{\"id\":\"10101\"}}", "comment-10101");
    assertThat(dana.body().path("detail").asText()).isEqualTo("0 recorded, 1 refused");
    JIRA.verify(postRequestedFor(urlPathEqualTo("/rest/api/3/issue/ITS-90/comment"))
        .withRequestBody(containing("Not recorded: item " + ed)));
    assertThat(http.get("/v1/reviews/" + id).body().path("counts").path("revoked").asInt()).isEqualTo(1);
    // A comment on an issue that is no review's is left alone.
    owner("ITS-91", "REQ-ELSE");
    Reply other = deliverSigned("{\"webhookEvent\":\"comment_created\",\"issue\":{\"key\":\"ITS-91\"},"
        + "\"comment\":{\"id\":\"10102\"}}", "comment-10102");
    assertThat(other.body().path("result").asText()).isEqualTo("ignored");
  }

  // ---- helpers ----

  /** The issue's accessflow.requestId property, as accessflow sets it on the issues it opens. */
  private static void owner(String key, String requestId) {
    JIRA.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key + "/properties/accessflow.requestId")).willReturn(okJson(
        "{\"key\":\"accessflow.requestId\",\"value\":{\"requestId\":\"" + requestId + "\"}}")));
  }

  private void awaitTicket(String requestId, String ticketKey) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!ticketKey.equals(http.get("/v1/requests/" + requestId).text("ticketKey")) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(http.get("/v1/requests/" + requestId).text("ticketKey")).isEqualTo(ticketKey);
  }

  record Reply(int status, JsonNode body) {}

  private void start(String key) throws Exception {
    issue(key, "grafana", "admin", "PT1H", "debug the dashboards");
    String body = created(key);
    assertThat(deliverSigned(body, "create-" + key).status()).isEqualTo(202);
    awaitStatus(key, "PENDING_APPROVAL");
  }

  private JsonNode awaitStatus(String key, String status) {
    return http.awaitStatus(key, status, Duration.ofSeconds(30)).body();
  }

  /** Delivers the body signed with the configured secret, as Jira would. */
  private Reply deliverSigned(String body, String deliveryId) throws Exception {
    return deliver(body, SIGNER.sign(bytes(body)), deliveryId);
  }

  private Reply deliver(String body, String signature, String deliveryId) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/jira/webhook"))
        .header("Content-Type", "application/json")
        .header("X-Atlassian-Webhook-Identifier", deliveryId)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      request.header("X-Hub-Signature", signature);
    }
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body()));
  }

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private static String created(String key) {
    return """
        {"timestamp":1764300000000,"webhookEvent":"jira:issue_created","issue_event_type_name":"issue_created",
         "user":{"accountId":"acc-dana"},"issue":{"id":"10001","key":"%s","fields":{"project":{"key":"ITS"}}}}"""
        .formatted(key);
  }

  private static String updated(String key, String from, String to) {
    return """
        {"timestamp":1764300000000,"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic",
         "issue":{"id":"10001","key":"%s"},
         "changelog":{"id":"900","items":[{"field":"status","fieldId":"status","fieldtype":"jira",
           "from":"1","fromString":"%s","to":"2","toString":"%s"}]}}""".formatted(key, from, to);
  }

  /** The issue as GET /rest/api/3/issue/{key} answers it (also for the workflow's status check). */
  private static void issue(String key, String app, String role, String duration, String reason) {
    issue(key, app, role, duration, reason, "acc-dana");
  }

  private static void issue(String key, String app, String role, String duration, String reason, String reporter) {
    JIRA.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key)).atPriority(5).willReturn(okJson("""
        {"id":"10001","key":"%s","fields":{"project":{"key":"ITS"},"status":{"name":"Pending approval"},
          "reporter":{"accountId":"%s"},
          "%s":"%s","%s":{"value":"%s"},"%s":"%s","%s":"%s"}}"""
        .formatted(key, reporter, APP_FIELD, app, ROLE_FIELD, role, DURATION_FIELD, duration, REASON_FIELD, reason))));
  }

  /** The issue with ?expand=changelog: one earlier status change and the one under test. */
  private static void changelog(String key, String authorAccountId, String from, String to) {
    JIRA.stubFor(get(urlPathEqualTo("/rest/api/3/issue/" + key)).withQueryParam("expand", equalTo("changelog"))
        .atPriority(1).willReturn(okJson("""
        {"id":"10001","key":"%s","fields":{"status":{"name":"%s"}},
         "changelog":{"startAt":0,"maxResults":100,"total":2,"histories":[
           {"id":"899","author":{"accountId":"acc-bot"},"created":"2026-11-28T04:00:00.000+0000",
            "items":[{"field":"status","fieldId":"status","fromString":"Open","toString":"Pending approval"}]},
           {"id":"900","author":{"accountId":"%s"},"created":"2026-11-28T04:05:00.000+0000",
            "items":[{"field":"status","fieldId":"status","fromString":"%s","toString":"%s"}]}]}}"""
        .formatted(key, to, authorAccountId, from, to))));
  }

  private static void user(String accountId, String email) {
    JIRA.stubFor(get(urlPathEqualTo("/rest/api/3/user")).withQueryParam("accountId", equalTo(accountId))
        .willReturn(okJson("{\"accountId\":\"%s\",\"emailAddress\":\"%s\",\"active\":true}".formatted(accountId, email))));
  }
}
