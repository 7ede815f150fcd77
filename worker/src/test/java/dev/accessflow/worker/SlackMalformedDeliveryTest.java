package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Correctly signed deliveries that are not well-formed Slack payloads: each gets a 4xx with a JSON
 * message that names no exception, and nothing happens (no Slack call, no request started).
 * Slack retries a 5xx, so a 500 here would also be a retry storm.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SlackMalformedDeliveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final SlackStub SLACK = new SlackStub();
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(SLACK.config("xoxb-test"));

  @AfterAll
  static void stopSlack() {
    SLACK.stop();
  }

  private static String form(String payload) {
    return "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8);
  }

  @Test
  void malformedSignedDeliveriesAreRefusedWithAClearMessageAndChangeNothing() throws Exception {
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    String click = java.net.URLDecoder.decode(SlackPayloads.click("access_approve", "REQ-AAAA", SlackStub.OMAR.userId(),
        SlackStub.OMAR.dmChannel(), SlackStub.OMAR.promptTs(), "1.2", SLACK.responseUrl("x")).substring(8), StandardCharsets.UTF_8);
    ObjectMapper m = new ObjectMapper();
    var noUser = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(click);
    noUser.remove("user");
    String submit = java.net.URLDecoder.decode(SlackPayloads.submitRequest(SlackStub.DANA.userId(), "V-9", "sandbox-demo/reader",
        "PT1M", "why").substring(8), StandardCharsets.UTF_8);
    var noState = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(submit);
    ((com.fasterxml.jackson.databind.node.ObjectNode) noState.path("view")).remove("state");
    var nullState = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(submit);
    ((com.fasterxml.jackson.databind.node.ObjectNode) nullState.path("view")).putNull("state");
    var huge = (com.fasterxml.jackson.databind.node.ObjectNode) m.readTree(click);
    huge.put("padding", "x".repeat(500_000));

    List<String> bodies = List.of(
        "payload={not json", "payload=%%%ZZ", "a=b&c=%ZZ", "payload=[1,2,3]", "payload=null", "payload=12",
        "payload=\"x\"", form(noUser.toString()), form(noState.toString()), form(nullState.toString()),
        form(huge.toString()), "", "command=/access");
    List<String> problems = new ArrayList<>();
    for (String body : bodies) {
      check(body.length() > 60 ? body.substring(0, 60) + "..." : body, slack.send(body), problems);
    }
    Random random = new Random(42);
    for (int i = 0; i < 20; i++) {
      byte[] noise = new byte[1 + random.nextInt(2000)];
      random.nextBytes(noise);
      check("random bytes #" + i, slack.sendSigned(noise), problems);
    }
    assertThat(problems).isEmpty();
    // Nothing happened: no Slack call beyond the start-up auth.test, no request started.
    for (String method : new String[] {"views.open", "views.update", "chat.postMessage", "users.info"}) {
      assertThat(SLACK.calls(method)).as(method).isEmpty();
    }
    assertThat(SLACK.responses("x")).isEmpty();
    assertThat(new Http(APP.getLocalPort()).get("/v1/requests").body().path("requests")).isEmpty();
  }

  private static void check(String what, SlackPayloads.Reply reply, List<String> problems) {
    if (reply.status() < 400 || reply.status() >= 500) {
      problems.add(what + ": status " + reply.status() + " " + reply.body());
      return;
    }
    try {
      JsonNode body = JSON.readTree(reply.body());
      String message = body.path("message").asText("");
      if (message.isBlank() || body.path("code").asInt() != reply.status()) {
        problems.add(what + ": no JSON {code, message}: " + reply.body());
      }
      if (message.matches("(?s).*(Exception|java\\.|com\\.|\\bat [a-z]).*")) {
        problems.add(what + ": the message names internals: " + message);
      }
    } catch (Exception e) {
      problems.add(what + ": not JSON: " + reply.body());
    }
  }

  @Test
  void aDenyClickWhoseValueIsNoRequestIdOpensNoModalAndIsAnswered() throws Exception {
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    String value = "R".repeat(5000);
    String click = SlackPayloads.click("access_deny", value, SlackStub.OMAR.userId(), SlackStub.OMAR.dmChannel(),
        SlackStub.OMAR.promptTs(), "7.7", SLACK.responseUrl("long-deny"));
    assertThat(slack.send(click).status()).isEqualTo(200);
    String answer = SLACK.awaitResponse("long-deny", Duration.ofSeconds(15));
    assertThat(answer).contains("does not name an accessflow request");
    assertThat(SLACK.calls("views.open")).isEmpty();

    // A Deny on a real request id opens a modal within Slack's limits.
    String ok = SlackPayloads.click("access_deny", "REQ-ZZZZZZZZ", SlackStub.OMAR.userId(), SlackStub.OMAR.dmChannel(),
        SlackStub.OMAR.promptTs(), "7.8", SLACK.responseUrl("deny-ok"));
    assertThat(slack.send(ok).status()).isEqualTo(200);
    Map<String, String> opened = SLACK.await("views.open", c -> true, Duration.ofSeconds(15));
    JsonNode view = JSON.readTree(opened.get("view"));
    assertThat(view.path("private_metadata").asText()).hasSizeLessThanOrEqualTo(3000).startsWith("REQ-ZZZZZZZZ|");
    for (JsonNode block : view.path("blocks")) {
      assertThat(block.path("text").path("text").asText()).hasSizeLessThanOrEqualTo(3000);
    }
  }
}
