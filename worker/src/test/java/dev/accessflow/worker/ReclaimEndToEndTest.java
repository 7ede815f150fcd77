package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Auto-reclaim in the real process on the embedded default: the shipped catalog with a one-minute
 * reclaim policy on the sandbox app. Two people added in the sandbox directory go unused for the
 * threshold; a scan started over REST warns both (by the app's sign-in log), one in a Slack DM
 * (against a WireMock Slack) where she keeps it with a reason in the form and the DM is edited in
 * place; the other is removed from the sandbox group when the grace ends. Their manager is told of
 * both, the app's owner gets one summary edited in place until the run closes. Refusals change nothing.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReclaimEndToEndTest {
  static final Duration THRESHOLD = Duration.ofMinutes(1);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  static final SlackStub SLACK = new SlackStub();
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(reclaimingCatalog(),
      SLACK.config("xoxb-test"));

  @org.junit.jupiter.api.AfterAll
  static void stopSlack() {
    SLACK.stop();
  }

  private static Path reclaimingCatalog() {
    return AccessflowApp.shippedCatalogWith("    name: Sandbox demo (embedded mode only)\n",
        "    reclaim: {inactiveAfter: PT1M, grace: PT1M, mode: enforce, idpApp: sandbox-demo-app,"
            + " notify: [manager, owners]}\n");
  }

  private static JsonNode items(Http http, String query) {
    return http.get("/v1/reclaim?app=sandbox-demo&" + query).body().path("items");
  }

  @Test
  void unusedAccessIsWarnedInSlackKeptWithAReasonOrRemovedWhenTheGraceEnds() throws Exception {
    Http http = new Http(APP.getLocalPort());
    http.await("/v1/inventory/groups", r -> !r.body().path("lastSync").path("finishedAt").isMissingNode()
        && !r.body().path("lastSync").path("finishedAt").isNull(), Duration.ofSeconds(30));
    for (String login : new String[] {"dana@example.com", "ed@example.com"}) {
      assertThat(http.post("/v1/sandbox/memberships", "{\"group\":\"sandbox-readers\",\"login\":\"" + login
          + "\",\"action\":\"add\"}").status()).isEqualTo(200);
    }
    http.await("/v1/inventory?group=sandbox-readers", r -> r.body().path("items").size() == 2, Duration.ofSeconds(20));
    long added = System.nanoTime();

    // Refusals name what was wrong.
    Http.Reply noPolicy = http.post("/v1/reclaim/run", "{\"app\":\"grafana\"}");
    assertThat(noPolicy.status()).isEqualTo(409);
    assertThat(noPolicy.text("message")).startsWith("no-reclaim-policy");
    assertThat(http.post("/v1/reclaim/run", "{\"app\":\"nope\"}").status()).isEqualTo(404);
    assertThat(http.post("/v1/reclaim/run", "{}").text("field")).isEqualTo("app");
    assertThat(http.get("/v1/reclaim?state=deleted").status()).isEqualTo(422);

    // Nobody signs in to the app for the threshold.
    long left = THRESHOLD.plusSeconds(3).toNanos() - (System.nanoTime() - added);
    Thread.sleep(Math.max(0, left / 1_000_000));
    Http.Reply started = http.post("/v1/reclaim/run", "{\"app\":\"sandbox-demo\"}");
    assertThat(started.status()).as(started.body().toString()).isEqualTo(202);
    String runId = started.text("runId");
    assertThat(runId).matches("sandbox-demo-\\d{8}T\\d{6}");
    assertThat(started.text("workflowId")).isEqualTo("access-reclaim-" + runId);

    JsonNode warned = http.await("/v1/reclaim?app=sandbox-demo&state=warned",
        r -> r.body().path("items").size() == 2, Duration.ofSeconds(30)).body().path("items");
    JsonNode dana = warned.get(0);
    assertThat(dana.path("login").asText()).isEqualTo("dana@example.com");
    assertThat(dana.path("signal").asText()).isEqualTo("app-sign-in");
    assertThat(dana.path("finding").asText()).contains("no sign-in to the app since");
    assertThat(dana.path("groups").toString()).isEqualTo("[\"sandbox-readers\"]");
    String danaItem = dana.path("itemId").asText();

    // Dana is told in Slack, with the finding, the deadline and "Keep access…"; Ed has no Slack account.
    java.util.Map<String, String> dm = SLACK.await("chat.postMessage", c -> SlackStub.DANA.userId().equals(c.get("channel"))
        && c.getOrDefault("blocks", "").contains("reclaim_keep"), WAIT);
    JsonNode blocks = JSON.readTree(dm.get("blocks"));
    assertThat(blocks.toString()).contains("Unused access: Sandbox demo", "sandbox-readers", "no sign-in to the app since")
        .contains("\"value\":\"" + danaItem + "\"");

    // Her manager (Maria, as the sandbox IdP names her) is told of both her people; the owner (Omar) gets one
    // summary of the run, not a message per finding.
    java.util.Map<String, String> toManager = SLACK.await("chat.postMessage", c -> SlackStub.MARIA.userId()
        .equals(c.get("channel")) && c.getOrDefault("blocks", "").contains("dana@example.com"), WAIT);
    assertThat(toManager.get("blocks")).contains("Unused access in your team: Sandbox demo", "They have been told")
        .contains("\"value\":\"" + danaItem + "\"");
    SLACK.await("chat.postMessage", c -> SlackStub.MARIA.userId().equals(c.get("channel"))
        && c.getOrDefault("blocks", "").contains("ed@example.com"), WAIT);
    java.util.Map<String, String> toOwner = SLACK.await("chat.postMessage", c -> SlackStub.OMAR.userId()
        .equals(c.get("channel")) && c.getOrDefault("blocks", "").contains("Reclaim of Sandbox demo"), WAIT);
    assertThat(toOwner.get("blocks")).contains("*2 findings*", "dana@example.com · reader", "ed@example.com · reader");
    assertThat(items(http, "login=dana@example.com").get(0).path("managerNotice").asText())
        .isEqualTo("told maria@example.com in chat");

    // Someone who is neither Dana nor an owner cannot keep her access (REST, a trusted token acting for Ed).
    Http.Reply notHers = http.post("/v1/reclaim/items/" + danaItem + "/keep",
        "{\"actor\":\"ed@example.com\",\"reason\":\"I want hers\"}");
    assertThat(notHers.status()).isEqualTo(403);
    assertThat(notHers.text("message")).startsWith("not-member-or-owner");
    Http.Reply noReason = http.post("/v1/reclaim/items/" + danaItem + "/keep", "{\"actor\":\"dana@example.com\"}");
    assertThat(noReason.status()).isEqualTo(422);
    assertThat(noReason.text("field")).isEqualTo("reason");

    // Dana clicks Keep access…, is asked why, and an empty reason is refused in the form.
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    assertThat(slack.send(SlackPayloads.click("reclaim_keep", danaItem, SlackStub.DANA.userId(),
        SlackStub.DANA.dmChannel(), SlackStub.DANA.promptTs(), "9.1", SLACK.responseUrl("keep"))).status())
        .isEqualTo(200);
    JsonNode form = JSON.readTree(SLACK.await("views.open", c -> "trigger-9.1".equals(c.get("trigger_id")), WAIT)
        .get("view"));
    assertThat(form.path("callback_id").asText()).isEqualTo("reclaim_keep_reason");
    assertThat(form.path("private_metadata").asText()).isEqualTo(danaItem);
    SlackPayloads.Reply empty = slack.send(SlackPayloads.submitText(SlackStub.DANA.userId(), "V-k1",
        "reclaim_keep_reason", danaItem, "keep_reason", "keep_reason_input", " "));
    assertThat(empty.json().path("errors").path("keep_reason").asText()).contains("Say why");
    assertThat(slack.send(SlackPayloads.submitText(SlackStub.DANA.userId(), "V-k1", "reclaim_keep_reason", danaItem,
        "keep_reason", "keep_reason_input", "on-call reader next week")).status()).isEqualTo(200);
    JsonNode kept = http.await("/v1/reclaim?app=sandbox-demo&state=kept", r -> r.body().path("items").size() == 1,
        WAIT).body().path("items").get(0);
    assertThat(kept.path("login").asText()).isEqualTo("dana@example.com");
    assertThat(kept.path("decidedVia").asText()).isEqualTo("SLACK");
    // Her warning is edited in place: kept, with her reason, and no button any more.
    java.util.Map<String, String> edited = SLACK.await("chat.update", c -> SlackStub.DANA.dmChannel()
        .equals(c.get("channel")) && SlackStub.DANA.promptTs().equals(c.get("ts")), WAIT);
    assertThat(edited.get("blocks")).contains("kept by dana@example.com").contains("on-call reader next week")
        .doesNotContain("reclaim_keep");

    // Ed neither signs in nor keeps it: at the grace's end he is out of the group, and the record says why.
    JsonNode ed = http.await("/v1/reclaim?app=sandbox-demo&login=ed@example.com&state=removed",
        r -> r.body().path("items").size() == 1, Duration.ofSeconds(90)).body().path("items").get(0);
    assertThat(ed.path("detail").asText()).contains("no sign-in and no Keep during the grace")
        .contains("removed from sandbox-readers through the IdP");
    String members = http.get("/v1/sandbox/memberships").body().path("sandbox-readers").toString();
    assertThat(members).contains("dana@example.com").doesNotContain("ed@example.com");
    JsonNode run = http.await("/v1/reclaim/runs/" + runId, r -> r.text("state").equals("closed"),
        Duration.ofSeconds(30)).body();
    assertThat(run.path("counts").path("removed").asInt()).isEqualTo(1);
    assertThat(run.path("counts").path("kept").asInt()).isEqualTo(1);
    assertThat(items(http, "state=kept").get(0).path("reason").asText()).isEqualTo("on-call reader next week");
    // The keep was answered in the ledger: nothing is open for either person any more.
    assertThat(items(http, "state=warned").size()).isZero();
    // The owner's summary was edited in place to say how the run ended; still one message to the owner.
    java.util.Map<String, String> closed = SLACK.await("chat.update", c -> SlackStub.OMAR.dmChannel()
        .equals(c.get("channel")) && SlackStub.OMAR.promptTs().equals(c.get("ts"))
        && c.getOrDefault("blocks", "").contains(": closed"), WAIT);
    assertThat(closed.get("blocks")).contains("1 kept", "1 removed");
    assertThat(SLACK.calls("chat.postMessage").stream().filter(c -> SlackStub.OMAR.userId().equals(c.get("channel"))))
        .hasSize(1);
  }
}
