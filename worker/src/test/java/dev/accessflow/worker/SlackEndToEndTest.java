package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.worker.SlackStub.Person;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process in embedded mode with Slack switched on against a WireMock Web API: a request made
 * through the /access modal, approved by a signed button click, the sandbox membership present,
 * every approver's DM edited in place and the requester told.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SlackEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  // Started before the app: its config needs the stub's free port.
  static final SlackStub SLACK = new SlackStub();
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(SLACK.config("xoxb-test"));

  @AfterAll
  static void stopSlack() {
    SLACK.stop();
  }

  @Test
  void requestThroughTheModalApprovedByAClickIsGrantedAndEveryMessageKeptCurrent() throws Exception {
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    Http http = new Http(APP.getLocalPort());

    // /access: acknowledged at once, the modal opened afterwards with the roles Dana may request.
    SlackPayloads.Reply command = slack.send(SlackPayloads.slashCommand(SlackStub.DANA.userId(), "trigger-cmd-1"));
    assertThat(command.status()).isEqualTo(200);
    Map<String, String> opened = SLACK.await("views.open", c -> "trigger-cmd-1".equals(c.get("trigger_id")), WAIT);
    String modal = JSON.readTree(opened.get("view")).toString();
    assertThat(modal).contains("\"callback_id\":\"access_request\"", "sandbox-demo/reader", "figma/editor", "PT1M", "PT168H");

    // Picking a role narrows the durations to what the role allows (views.update with the view's hash).
    assertThat(slack.send(SlackPayloads.chooseRole(SlackStub.DANA.userId(), "V-1", "sandbox-demo/reader")).status())
        .isEqualTo(200);
    Map<String, String> narrowed = SLACK.await("views.update", c -> "V-1".equals(c.get("view_id")), WAIT);
    assertThat(narrowed.get("hash")).isEqualTo("hash-V-1");
    JsonNode narrowedView = JSON.readTree(narrowed.get("view"));
    JsonNode durationOptions = narrowedView.path("blocks").get(2).path("element").path("options");
    assertThat(durationOptions.findValuesAsText("value")).containsExactly("PT10S", "PT1M", "PT1H");
    assertThat(narrowedView.path("blocks").get(1).path("element").path("initial_option").path("value").asText())
        .isEqualTo("sandbox-demo/reader");

    // A duration the role does not allow: the error shows next to the field, nothing starts.
    SlackPayloads.Reply invalid = slack.send(SlackPayloads.submitRequest(SlackStub.DANA.userId(), "V-bad",
        "sandbox-demo/reader", "PT24H", "deploy the demo"));
    assertThat(invalid.status()).isEqualTo(200);
    assertThat(invalid.json().path("response_action").asText()).isEqualTo("errors");
    assertThat(invalid.json().path("errors").path("duration").asText()).contains("not allowed", "PT1M");
    SlackPayloads.Reply noReason = slack.send(SlackPayloads.submitRequest(SlackStub.DANA.userId(), "V-bad2",
        "sandbox-demo/reader", "PT1M", " "));
    assertThat(noReason.json().path("errors").path("reason").asText()).contains("reason is required");

    // A valid submission closes the modal; the workflow starts and asks both approvers in a DM.
    SlackPayloads.Reply submitted = slack.send(SlackPayloads.submitRequest(SlackStub.DANA.userId(), "V-1",
        "sandbox-demo/reader", "PT1M", "deploy the demo"));
    assertThat(submitted.status()).isEqualTo(200);
    assertThat(submitted.body()).doesNotContain("errors");
    Map<String, String> prompt = SLACK.await("chat.postMessage",
        c -> SlackStub.MARIA.userId().equals(c.get("channel")) && c.getOrDefault("blocks", "").contains("access_approve")
            && c.getOrDefault("text", "").contains("deploy the demo"), WAIT);
    JsonNode blocks = JSON.readTree(prompt.get("blocks"));
    String requestId = blocks.get(blocks.size() - 1).path("elements").get(0).path("value").asText();
    assertThat(requestId).matches("REQ-[A-Z0-9]{8}");
    assertThat(blocks.toString()).contains("dana@example.com", "sandbox-demo / reader", "PT1M", "deploy the demo", "medium");
    SLACK.await("chat.postMessage", c -> SlackStub.OMAR.userId().equals(c.get("channel"))
        && c.getOrDefault("blocks", "").contains(requestId), WAIT);
    SLACK.await("chat.postMessage", c -> SlackStub.DANA.userId().equals(c.get("channel"))
        && c.getOrDefault("text", "").contains(requestId + "* for sandbox-demo / reader"), WAIT);
    assertThat(http.get("/v1/requests/" + requestId).text("status")).isIn("SUBMITTED", "PENDING_APPROVAL");

    // The requester cannot approve her own request: told why, ephemerally.
    assertThat(slack.send(click("access_approve", requestId, SlackStub.DANA, "5000.1", "self")).status()).isEqualTo(200);
    assertThat(SLACK.awaitResponse("self", WAIT)).contains("ephemeral", "cannot approve");

    // Maria approves with a signed click: acknowledged at once, decided in the background.
    SlackPayloads.Reply approved = slack.send(click("access_approve", requestId, SlackStub.MARIA, "5000.2", "maria"));
    assertThat(approved.status()).isEqualTo(200);
    // How fast the ack is belongs to SlackAckBenchmark; here, that it came before the decision was made.
    assertThat(SLACK.awaitResponse("maria", WAIT)).contains("Recorded", "approved by maria@example.com");

    http.awaitStatus(requestId, "ACTIVE", WAIT).body();
    assertThat(http.get("/v1/sandbox/memberships").body().path("sandbox-readers").toString()).contains("dana@example.com");

    // Both approvers' DMs are edited in place (stored channel + ts), buttons gone; Dana is told.
    for (Person approver : new Person[] {SlackStub.MARIA, SlackStub.OMAR}) {
      Map<String, String> edit = SLACK.await("chat.update", c -> approver.dmChannel().equals(c.get("channel"))
          && c.getOrDefault("blocks", "").contains(requestId), WAIT);
      assertThat(edit.get("ts")).isEqualTo(approver.promptTs());
      assertThat(JSON.readTree(edit.get("blocks")).toString()).contains(requestId + ": approved, access active",
              "*Approved* by maria@example.com via SLACK at <!date^")
          .doesNotContain("access_approve");
    }
    Map<String, String> told = SLACK.await("chat.postMessage", c -> SlackStub.DANA.userId().equals(c.get("channel"))
        && c.getOrDefault("blocks", "").contains("approved, access active") && c.get("text").contains(requestId), WAIT);
    assertThat(told.get("text")).contains("active until");

    // Omar clicks the stale button: exactly one decision stands, and he is told who decided.
    assertThat(slack.send(click("access_approve", requestId, SlackStub.OMAR, "5000.3", "omar")).status()).isEqualTo(200);
    assertThat(SLACK.awaitResponse("omar", WAIT)).contains("Not recorded", "already", "maria@example.com");
    // Maria's click delivered again (same action_ts): the same single decision, the first answer again.
    assertThat(slack.send(click("access_approve", requestId, SlackStub.MARIA, "5000.2", "maria-again")).status()).isEqualTo(200);
    assertThat(SLACK.awaitResponse("maria-again", WAIT)).contains("Recorded", "approved by maria@example.com");
    JsonNode state = http.get("/v1/requests/" + requestId).body();
    assertThat(state.path("decisions")).hasSize(1);
    assertThat(state.path("decisions").get(0).path("actor").asText()).isEqualTo("maria@example.com");
    assertThat(state.path("decisions").get(0).path("channel").asText()).isEqualTo("SLACK");
    // Every edit targeted a stored message: never a re-post to the approvers.
    assertThat(SLACK.calls("chat.postMessage").stream().filter(c -> SlackStub.MARIA.userId().equals(c.get("channel"))
        && c.getOrDefault("blocks", "").contains(requestId))).hasSize(1);
  }

  @Test
  void aRequesterTheIdpDoesNotKnowIsToldAndNothingStarts() throws Exception {
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    SlackPayloads.Reply submitted = slack.send(SlackPayloads.submitRequest(SlackStub.GHOST.userId(), "V-ghost",
        "sandbox-demo/reader", "PT1M", "look around"));
    assertThat(submitted.status()).isEqualTo(200);
    Map<String, String> told = SLACK.await("chat.postMessage", c -> SlackStub.GHOST.userId().equals(c.get("channel")), WAIT);
    assertThat(told.get("text")).contains("was not submitted", "ghost@example.com cannot be granted access",
        "no user with login ghost@example.com");
    assertThat(SLACK.calls("chat.postMessage")).noneMatch(c -> c.getOrDefault("text", "").contains("ghost@example.com asks"));
  }

  @Test
  void denyOpensAReasonModalAndTheReasonReachesTheWorkflow() throws Exception {
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    Http http = new Http(APP.getLocalPort());
    Http.Reply created = http.post("/v1/requests", """
        {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT1M","reason":"deny me"}""");
    String requestId = created.text("requestId");
    // Omar clicks Deny in the DM he was sent.
    SLACK.await("chat.postMessage", c -> SlackStub.OMAR.userId().equals(c.get("channel"))
        && c.getOrDefault("blocks", "").contains(requestId), WAIT);
    assertThat(slack.send(click("access_deny", requestId, SlackStub.OMAR, "6000.1", "deny")).status()).isEqualTo(200);
    Map<String, String> opened = SLACK.await("views.open", c -> "trigger-6000.1".equals(c.get("trigger_id")), WAIT);
    JsonNode view = JSON.readTree(opened.get("view"));
    assertThat(view.path("callback_id").asText()).isEqualTo("access_deny_reason");

    String body = "payload=" + java.net.URLEncoder.encode("""
        {"type":"view_submission","team":{"id":"T1"},"user":{"id":"UOMAR","team_id":"T1"},"api_app_id":"A1","token":"legacy",
         "trigger_id":"t","view":{"id":"V-deny-1","type":"modal","callback_id":"access_deny_reason",
         "private_metadata":"%s","state":{"values":{"deny_reason":{"deny_reason_input":{"type":"plain_text_input",
         "value":"not during the freeze"}}}}}}""".formatted(view.path("private_metadata").asText()),
        java.nio.charset.StandardCharsets.UTF_8);
    assertThat(slack.send(body).status()).isEqualTo(200);
    JsonNode denied = http.awaitStatus(requestId, "DENIED", WAIT).body();
    assertThat(denied.path("decisions").get(0).path("comment").asText()).isEqualTo("not during the freeze");
    SLACK.await("chat.postMessage", c -> SlackStub.DANA.userId().equals(c.get("channel"))
        && c.getOrDefault("text", "").contains(requestId) && c.getOrDefault("text", "").contains("not during the freeze"), WAIT);
    // Omar's DM is edited to the denial, with him as the decider and his reason.
    Map<String, String> edit = SLACK.await("chat.update", c -> SlackStub.OMAR.dmChannel().equals(c.get("channel"))
        && c.getOrDefault("blocks", "").contains(requestId), WAIT);
    assertThat(JSON.readTree(edit.get("blocks")).toString()).contains(requestId + ": denied",
        "*Denied* by omar@example.com via SLACK", "not during the freeze");
  }

  @Test
  void simultaneousClicksByBothApproversMakeExactlyOneDecision() throws Exception {
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    Http http = new Http(APP.getLocalPort());
    String requestId = http.post("/v1/requests", """
        {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT1M","reason":"race"}""")
        .text("requestId");
    int clicks = 20;
    var pool = java.util.concurrent.Executors.newFixedThreadPool(clicks);
    var go = new java.util.concurrent.CountDownLatch(1);
    var replies = new java.util.ArrayList<java.util.concurrent.Future<SlackPayloads.Reply>>();
    for (int i = 0; i < clicks; i++) {
      Person who = i % 2 == 0 ? SlackStub.MARIA : SlackStub.OMAR;
      String body = click("access_approve", requestId, who, "8000." + i, "race-" + i);
      replies.add(pool.submit(() -> {
        go.await();
        return slack.send(body);
      }));
    }
    go.countDown();
    for (var reply : replies) {
      assertThat(reply.get().status()).isEqualTo(200);
    }
    pool.shutdown();
    int recorded = 0;
    for (int i = 0; i < clicks; i++) {
      String answer = SLACK.awaitResponse("race-" + i, WAIT);
      if (answer.contains("Recorded")) {
        recorded++;
      } else {
        assertThat(answer).contains("already");
      }
    }
    assertThat(recorded).isEqualTo(1);
    assertThat(http.get("/v1/requests/" + requestId).body().path("decisions")).hasSize(1);
  }

  @Test
  void extendClickedByTheRequesterGoesThroughTheRouteAgain() throws Exception {
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    Http http = new Http(APP.getLocalPort());
    String requestId = http.post("/v1/requests", """
        {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT1M","reason":"extend me"}""")
        .text("requestId");
    http.awaitStatus(requestId, "PENDING_APPROVAL", WAIT).body();
    assertThat(http.postWithKey("/v1/requests/" + requestId + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\"}", "ext-approve-1").status()).isEqualTo(200);
    JsonNode active = http.awaitStatus(requestId, "ACTIVE", WAIT).body();

    // Omar may not ask for Dana's extension; Dana's click asks the route again for one more minute.
    assertThat(slack.send(click("access_extend", requestId, SlackStub.OMAR, "9000.1", "ext-omar")).status()).isEqualTo(200);
    assertThat(SLACK.awaitResponse("ext-omar", WAIT)).contains("Only dana@example.com can ask to extend");
    assertThat(slack.send(click("access_extend", requestId, SlackStub.DANA, "9000.2", "ext-dana")).status()).isEqualTo(200);
    assertThat(SLACK.awaitResponse("ext-dana", WAIT)).contains("Extension of " + requestId + " to PT2M", "waits for approval");
    assertThat(http.get("/v1/requests/" + requestId).text("expiresAt")).isEqualTo(active.path("expiresAt").asText());

    // An approver of the route approves the extension: the same grant now ends two minutes after it began.
    assertThat(http.postWithKey("/v1/requests/" + requestId + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"omar@example.com\"}", "ext-approve-2").status()).isEqualTo(200);
    java.time.Instant granted = java.time.Instant.parse(active.path("grantedAt").asText());
    assertThat(java.time.Instant.parse(http.get("/v1/requests/" + requestId).text("expiresAt")))
        .isEqualTo(granted.plus(Duration.ofMinutes(2)));
  }

  @Test
  void onlyFreshCorrectlySignedRequestsAreServedAndEachOnlyOnce() {
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    String body = SlackPayloads.slashCommand(SlackStub.DANA.userId(), "trigger-sig");
    String now = Long.toString(Instant.now().getEpochSecond());
    assertThat(slack.send(body, null, null).status()).isEqualTo(401);
    assertThat(slack.send(body, now, SlackPayloads.sign(now, body + "x")).status()).isEqualTo(401);
    String stale = Long.toString(Instant.now().getEpochSecond() - 301);
    assertThat(slack.send(body, stale, SlackPayloads.sign(stale, body)).status()).isEqualTo(401);
    String signature = SlackPayloads.sign(now, body);
    assertThat(slack.send(body, now, signature).status()).isEqualTo(200);
    SlackPayloads.Reply replay = slack.send(body, now, signature);
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.body()).contains("replayed");
  }

  @Test
  void aRevokedBotTokenStopsStartUpWithTheReason() {
    AccessflowConfiguration.SlackSettings settings = new AccessflowConfiguration.SlackSettings();
    settings.botToken = "xoxb-revoked";
    settings.apiUrl = SLACK.server.baseUrl() + "/api/";
    SlackWiring wiring = new SlackWiring(settings, Clock.systemUTC());
    assertThatThrownBy(wiring::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("auth.test: invalid_auth").hasMessageNotContaining("xoxb-revoked");
  }

  private static String click(String action, String requestId, Person who, String actionTs, String responseName) {
    return SlackPayloads.click(action, requestId, who.userId(), who.dmChannel(), who.promptTs(), actionTs,
        SLACK.responseUrl(responseName));
  }
}
