package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A review decided in Slack, in the real process against a WireMock Slack: the owner's DM lists
 * the items with Keep / Revoke, a signed Keep click is recorded and the DM edited in place, Revoke
 * asks for a comment in a modal and then removes the access in the sandbox IdP, and a click by
 * someone who is not a reviewer is refused with the reason.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SlackReviewEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  static final SlackStub SLACK = new SlackStub();
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(SLACK.config("xoxb-test"));

  @AfterAll
  static void stopSlack() {
    SLACK.stop();
  }

  @Test
  void anOwnerKeepsAndRevokesFromTheirDmAndTheMessageIsEditedInPlace() throws Exception {
    Http http = new Http(APP.getLocalPort());
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    http.await("/v1/inventory/groups", r -> !r.body().path("lastSync").path("finishedAt").isMissingNode()
        && !r.body().path("lastSync").path("finishedAt").isNull(), WAIT);
    for (String login : new String[] {"ed@example.com", "dana@example.com"}) {
      http.post("/v1/sandbox/memberships", "{\"group\":\"grafana-admins\",\"login\":\"" + login + "\",\"action\":\"add\"}");
    }
    http.await("/v1/inventory?group=grafana-admins", r -> r.body().path("items").size() == 2, WAIT);
    String id = http.post("/v1/reviews", """
        {"name":"Grafana admins","scope":{"roles":["grafana/admin"]},"reviewers":"owners","dueIn":"P7D",
         "unreviewed":"keep","startedBy":"omar@example.com"}""").text("reviewId");

    Map<String, String> dm = SLACK.await("chat.postMessage", c -> SlackStub.OMAR.userId().equals(c.get("channel"))
        && c.getOrDefault("blocks", "").contains("review_keep"), WAIT);
    JsonNode blocks = JSON.readTree(dm.get("blocks"));
    assertThat(blocks.size()).isLessThanOrEqualTo(50);
    String all = blocks.toString();
    assertThat(all).contains("Access review: Grafana admins", "2 items* left for you", "ed@example.com",
        "dana@example.com", "grafana / admin", "added outside accessflow", "Recommended: *revoke*");
    java.util.Set<String> values = new java.util.HashSet<>();
    blocks.forEach(b -> b.path("elements").forEach(e -> {
      if ("review_keep".equals(e.path("action_id").asText())) {
        values.add(e.path("value").asText());
      }
    }));
    JsonNode review = http.get("/v1/reviews/" + id).body();
    Map<String, String> itemOf = new HashMap<>();
    review.path("items").forEach(i -> itemOf.put(i.path("login").asText(), id + ":" + i.path("itemId").asText()));
    assertThat(values).containsExactlyInAnyOrderElementsOf(itemOf.values());

    // Someone who is not a reviewer: refused under the message, nothing recorded.
    assertThat(slack.send(SlackPayloads.click("review_keep", itemOf.get("ed@example.com"), SlackStub.MARIA.userId(),
        SlackStub.OMAR.dmChannel(), SlackStub.OMAR.promptTs(), "7.1", SLACK.responseUrl("maria"))).status())
        .isEqualTo(200);
    assertThat(SLACK.awaitResponse("maria", WAIT)).contains("not-a-reviewer");

    // Keep on dana: recorded, and the DM edited in place to show the one left.
    assertThat(slack.send(SlackPayloads.click("review_keep", itemOf.get("dana@example.com"), SlackStub.OMAR.userId(),
        SlackStub.OMAR.dmChannel(), SlackStub.OMAR.promptTs(), "7.2", SLACK.responseUrl("keep"))).status())
        .isEqualTo(200);
    Map<String, String> edited = SLACK.await("chat.update", c -> SlackStub.OMAR.dmChannel().equals(c.get("channel"))
        && SlackStub.OMAR.promptTs().equals(c.get("ts")) && c.getOrDefault("blocks", "").contains("1 item* left"), WAIT);
    assertThat(edited.get("blocks")).doesNotContain("dana@example.com").contains("ed@example.com");
    JsonNode kept = http.get("/v1/reviews/" + id + "?state=decided").body().path("items").get(0);
    assertThat(kept.path("decidedBy").asText()).isEqualTo("omar@example.com");
    assertThat(kept.path("decidedVia").asText()).isEqualTo("SLACK");
    // The same click delivered again is the same decision: refused as already decided, never applied twice.
    slack.send(SlackPayloads.click("review_keep", itemOf.get("dana@example.com"), SlackStub.OMAR.userId(),
        SlackStub.OMAR.dmChannel(), SlackStub.OMAR.promptTs(), "7.2", SLACK.responseUrl("again")));
    assertThat(SLACK.awaitResponse("again", WAIT)).contains("already-decided");

    // Revoke asks for the comment first.
    slack.send(SlackPayloads.click("review_revoke", itemOf.get("ed@example.com"), SlackStub.OMAR.userId(),
        SlackStub.OMAR.dmChannel(), SlackStub.OMAR.promptTs(), "7.3", SLACK.responseUrl("revoke")));
    Map<String, String> form = SLACK.await("views.open", c -> "trigger-7.3".equals(c.get("trigger_id")), WAIT);
    JsonNode view = JSON.readTree(form.get("view"));
    assertThat(view.path("callback_id").asText()).isEqualTo("review_revoke_comment");
    assertThat(view.path("private_metadata").asText()).isEqualTo(itemOf.get("ed@example.com"));
    SlackPayloads.Reply empty = slack.send(SlackPayloads.submitText(SlackStub.OMAR.userId(), "V-r1",
        "review_revoke_comment", itemOf.get("ed@example.com"), "revoke_comment", "revoke_comment_input", " "));
    assertThat(empty.json().path("errors").path("revoke_comment").asText()).contains("Say why");
    SlackPayloads.Reply submitted = slack.send(SlackPayloads.submitText(SlackStub.OMAR.userId(), "V-r1",
        "review_revoke_comment", itemOf.get("ed@example.com"), "revoke_comment", "revoke_comment_input",
        "moved to sales"));
    assertThat(submitted.status()).isEqualTo(200);
    http.await("/v1/reviews/" + id, r -> r.text("state").equals("closed"), WAIT);
    assertThat(http.get("/v1/sandbox/memberships").body().path("grafana-admins").toString()).doesNotContain("ed@")
        .contains("dana@");
    JsonNode revoked = http.get("/v1/reviews/" + id + "?state=revoke").body().path("items").get(0);
    assertThat(revoked.path("comment").asText()).isEqualTo("moved to sales");
    assertThat(revoked.path("revocationState").asText()).isEqualTo("done");
    // The last edit says nothing is left.
    SLACK.await("chat.update", c -> SlackStub.OMAR.promptTs().equals(c.get("ts"))
        && c.getOrDefault("blocks", "").contains("Nothing left for you"), WAIT);
  }
}
