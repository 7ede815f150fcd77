package dev.accessflow.activities.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.testing.AccessRequests;
import io.temporal.failure.ApplicationFailure;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SlackChat against a WireMock stand-in for the Slack Web API: the Block Kit sent and where edits go. */
class SlackChatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final WireMockServer SLACK = start();
  private SlackChat chat;

  private static WireMockServer start() {
    WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());
    server.start();
    return server;
  }

  @AfterAll
  static void stop() {
    SLACK.stop();
  }

  @BeforeEach
  void stubs() {
    SLACK.resetAll();
    SLACK.stubFor(post(urlPathEqualTo("/api/users.lookupByEmail")).withRequestBody(containing("maria%40example.com"))
        .willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"UMARIA\"}}")));
    SLACK.stubFor(post(urlPathEqualTo("/api/users.lookupByEmail")).withRequestBody(containing("dana%40example.com"))
        .willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"UDANA\"}}")));
    SLACK.stubFor(post(urlPathEqualTo("/api/users.lookupByEmail")).withRequestBody(containing("omar%40example.com"))
        .willReturn(okJson("{\"ok\":false,\"error\":\"users_not_found\"}")));
    SLACK.stubFor(post(urlPathEqualTo("/api/chat.postMessage"))
        .willReturn(okJson("{\"ok\":true,\"channel\":\"DMARIA\",\"ts\":\"1700000000.000100\"}")));
    SLACK.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson("{\"ok\":true}")));
    // The SDK asks auth.test once for its team-id cache (metrics).
    SLACK.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson("{\"ok\":true,\"team_id\":\"T1\",\"user_id\":\"UBOT\"}")));
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(SLACK.baseUrl() + "/api/");
    chat = new SlackChat(Slack.getInstance(config).methods("xoxb-test"), "CSEC", "https://acme.atlassian.net/browse/",
        Clock.fixed(Instant.parse("2026-11-29T02:00:00Z"), ZoneOffset.UTC));
  }

  @Test
  void eachApproverWithASlackAccountGetsADmWithTheRequestAndTwoButtons() throws Exception {
    var request = AccessRequests.grafanaAdmin("REQ-1");
    List<ChatMessageRef> refs = chat.askApprovers(new ApprovalPrompt(request, request.route().get(0),
        List.of("maria@example.com", "omar@example.com"), "ITS-7"));

    // omar has no Slack account: skipped, not retried forever.
    assertThat(refs).containsExactly(new ChatMessageRef("maria@example.com", "DMARIA", "1700000000.000100"));
    List<LoggedRequest> posts = SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    assertThat(posts).hasSize(1);
    Map<String, String> form = form(posts.get(0));
    assertThat(posts.get(0).getHeader("Authorization")).isEqualTo("Bearer xoxb-test");
    assertThat(form.get("channel")).isEqualTo("UMARIA");
    JsonNode blocks = JSON.readTree(form.get("blocks"));
    String all = blocks.toString();
    assertThat(all).contains("dana@example.com", "grafana / admin", "PT24H", "high", "incident INC-42 needs dashboard edits",
        "<https://acme.atlassian.net/browse/ITS-7|ITS-7>");
    JsonNode actions = blocks.get(blocks.size() - 1);
    assertThat(actions.path("type").asText()).isEqualTo("actions");
    assertThat(actions.path("block_id").asText()).isEqualTo("decision:REQ-1");
    assertThat(actions.path("elements").get(0).path("action_id").asText()).isEqualTo(SlackBlocks.ACTION_APPROVE);
    assertThat(actions.path("elements").get(0).path("value").asText()).isEqualTo("REQ-1");
    assertThat(actions.path("elements").get(1).path("action_id").asText()).isEqualTo(SlackBlocks.ACTION_DENY);
    assertThat(form.get("text")).contains("dana@example.com asks for grafana / admin");
  }

  private static dev.accessflow.workflows.ports.ReviewMessages.ReviewerDigest digest(String occasion, int left) {
    List<dev.accessflow.workflows.ports.ReviewMessages.DigestItem> items = new java.util.ArrayList<>();
    for (int i = 1; i <= Math.min(left, 25); i++) {
      items.add(new dev.accessflow.workflows.ports.ReviewMessages.DigestItem(i, "p" + i + "@example.com", "Person <" + i + ">",
          "grafana", "admin", i == 1 ? "grant" : "out-of-band", i == 1 ? "REQ-1" : null, "2026-08-01", "Sales", "AE",
          i == 1 ? "keep" : "revoke", i == 1 ? "signed in 3 days ago" : "no sign-in for 120 days"));
    }
    return new dev.accessflow.workflows.ports.ReviewMessages.ReviewerDigest("rv-1", "Grafana admins Q4",
        "maria@example.com", occasion, Instant.parse("2026-12-16T09:00:00Z"), left, 7, items);
  }

  @Test
  void aReviewerGetsOneDmWithAPageOfItemsEachWithKeepAndRevokeWithinBlockKitsLimits() throws Exception {
    ChatMessageRef ref = chat.show(digest("open", 25), null);

    assertThat(ref).isEqualTo(new ChatMessageRef("maria@example.com", "DMARIA", "1700000000.000100"));
    Map<String, String> form = form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).get(0));
    assertThat(form.get("channel")).isEqualTo("UMARIA");
    JsonNode blocks = JSON.readTree(form.get("blocks"));
    assertThat(blocks.size()).isLessThanOrEqualTo(50);
    List<JsonNode> itemButtons = new java.util.ArrayList<>();
    blocks.forEach(b -> {
      if (b.path("block_id").asText().startsWith("review:")) {
        itemButtons.add(b);
      }
    });
    assertThat(itemButtons).hasSize(SlackBlocks.REVIEW_ITEMS_MAX);
    JsonNode first = itemButtons.get(0).path("elements");
    assertThat(first.get(0).path("action_id").asText()).isEqualTo(SlackBlocks.ACTION_REVIEW_KEEP);
    assertThat(first.get(0).path("value").asText()).isEqualTo("rv-1:1");
    assertThat(first.get(1).path("action_id").asText()).isEqualTo(SlackBlocks.ACTION_REVIEW_REVOKE);
    String all = blocks.toString();
    // What a person typed is escaped, and every fact a reviewer needs is there.
    assertThat(all).contains("Person &lt;2&gt;", "granted by request REQ-1", "added outside accessflow",
        "last sign-in 2026-08-01", "Sales", "no sign-in for 120 days", "*25 items* left for you",
        "Showing 20 of 25", "Keep all 7 recommended", SlackBlocks.ACTION_REVIEW_KEEP_RECOMMENDED);
    blocks.forEach(b -> {
      if (b.path("type").asText().equals("section")) {
        assertThat(b.path("text").path("text").asText().length()).isLessThanOrEqualTo(3000);
      }
    });
  }

  private static dev.accessflow.workflows.ports.ReclaimMessages.ReclaimWarning warning(String login) {
    return new dev.accessflow.workflows.ports.ReclaimMessages.ReclaimWarning(42, "grafana-20261203T120000", login,
        "Dana", "grafana", "Grafana <prod>", "admin", List.of("grafana-admins"),
        "unused for more than 90 days: no sign-in to the app since 2026-09-04 (the IdP's log, read to 2026-12-03)",
        Instant.parse("2026-12-10T12:00:00Z"), "owner", List.of("omar@example.com"));
  }

  @Test
  void aReclaimWarningIsADmWithTheFindingTheDeadlineAndKeepAccessAndIsSettledInPlace() throws Exception {
    ChatMessageRef ref = chat.warn(warning("dana@example.com"));

    assertThat(ref).isEqualTo(new ChatMessageRef("dana@example.com", "DMARIA", "1700000000.000100"));
    Map<String, String> form = form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).get(0));
    assertThat(form.get("channel")).isEqualTo("UDANA");
    JsonNode blocks = JSON.readTree(form.get("blocks"));
    String all = blocks.toString();
    assertThat(all).contains("Unused access: Grafana <prod>") // a header is plain text
        .contains("*Grafana &lt;prod&gt; / admin*", "grafana-admins", "no sign-in to the app since 2026-09-04",
            "<!date^" + Instant.parse("2026-12-10T12:00:00Z").getEpochSecond(), "An owner of the app (omar@example.com)");
    JsonNode button = blocks.get(2).path("elements").get(0);
    assertThat(button.path("action_id").asText()).isEqualTo(SlackBlocks.ACTION_RECLAIM_KEEP);
    assertThat(button.path("value").asText()).isEqualTo("42");
    assertThat(form.get("text")).contains("looks unused");

    chat.settle(ref, warning("dana@example.com"), "removed at 2026-12-10T12:00:05Z.");
    Map<String, String> edit = form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update"))).get(0));
    assertThat(edit).containsEntry("channel", "DMARIA").containsEntry("ts", "1700000000.000100");
    assertThat(edit.get("blocks")).contains("removed at 2026-12-10T12:00:05Z.")
        .doesNotContain(SlackBlocks.ACTION_RECLAIM_KEEP);
    // Someone without a Slack account is not told in Slack (the ticket says it), and nothing fails.
    assertThat(chat.warn(warning("omar@example.com"))).isNull();
    assertThat(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")))).hasSize(1);
  }

  @Test
  void theManagerIsToldWhoseAccessGoesWhenAndMayKeepItAndTheMessageIsSettledInPlace() throws Exception {
    ChatMessageRef ref = chat.warnManager(warning("dana@example.com"), "maria@example.com");

    assertThat(ref).isEqualTo(new ChatMessageRef("maria@example.com", "DMARIA", "1700000000.000100"));
    Map<String, String> form = form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).get(0));
    assertThat(form.get("channel")).isEqualTo("UMARIA");
    JsonNode blocks = JSON.readTree(form.get("blocks"));
    assertThat(blocks.toString()).contains("Unused access in your team: Grafana <prod>")
        .contains("*Dana* (dana@example.com)'s access to *Grafana &lt;prod&gt; / admin*", "They have been told",
            "no sign-in to the app since 2026-09-04", "as dana@example.com's manager in the IdP");
    JsonNode button = blocks.get(2).path("elements").get(0);
    assertThat(button.path("action_id").asText()).isEqualTo(SlackBlocks.ACTION_RECLAIM_KEEP);
    assertThat(button.path("value").asText()).isEqualTo("42");

    chat.settleManager(ref, warning("dana@example.com"), "kept by maria@example.com: \"Q4 audit\".");
    Map<String, String> edit = form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update"))).get(0));
    assertThat(edit).containsEntry("channel", "DMARIA").containsEntry("ts", "1700000000.000100");
    assertThat(edit.get("blocks")).contains("kept by maria@example.com").doesNotContain(SlackBlocks.ACTION_RECLAIM_KEEP);
    assertThat(chat.warnManager(warning("dana@example.com"), "omar@example.com")).isNull(); // no Slack account
  }

  private static dev.accessflow.workflows.ports.ReclaimMessages.ReclaimSummary summary(boolean dryRun,
      List<dev.accessflow.workflows.ports.ReclaimMessages.KeepAsked> asked) {
    return new dev.accessflow.workflows.ports.ReclaimMessages.ReclaimSummary("grafana-20261203T120000", "grafana",
        "Grafana <prod>", dryRun, "ACC-9", false, 40, dryRun ? 0 : 38, asked.size(), 0, 0, 0, dryRun ? 38 : 0, 1, 1,
        Instant.parse("2026-12-10T12:00:00Z"), java.util.stream.IntStream.range(0, 12)
            .mapToObj(n -> "user" + n + "@example.com · admin · unused for more than 90 days · warned").toList(), asked);
  }

  @Test
  void anOwnerGetsOneSummaryOfTheRunEditedInPlaceWithAConfirmButtonPerKeepAndAReplyWhenOneStartsWaiting()
      throws Exception {
    var asked = new dev.accessflow.workflows.ports.ReclaimMessages.KeepAsked(7, "dana@example.com", "admin",
        "maria@example.com", "Q4 audit", Instant.parse("2026-12-10T12:00:00Z"));
    ChatMessageRef ref = chat.summarize("maria@example.com", summary(false, List.of()), null, List.of());
    assertThat(ref).isEqualTo(new ChatMessageRef("maria@example.com", "DMARIA", "1700000000.000100"));
    String first = JSON.readTree(form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")))
        .get(0)).get("blocks")).toString();
    assertThat(first).contains("Reclaim of Grafana <prod>", "*40 findings*", "38 in their grace",
        "user11@example.com", "…and 28 more.", "https://acme.atlassian.net/browse/ACC-9|ACC-9",
        "GET /v1/reclaim?run=grafana-20261203T120000").doesNotContain(SlackBlocks.ACTION_RECLAIM_KEEP);

    assertThat(chat.summarize("maria@example.com", summary(false, List.of(asked)), ref, List.of(asked))).isEqualTo(ref);
    Map<String, String> edit = form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update"))).get(0));
    assertThat(edit).containsEntry("channel", "DMARIA").containsEntry("ts", "1700000000.000100");
    JsonNode blocks = JSON.readTree(edit.get("blocks"));
    assertThat(blocks.toString()).contains("*Keep asked for:* dana@example.com · admin, by maria@example.com",
        "Confirm Keep…");
    assertThat(blocks.toString()).contains("\"value\":\"7\"");
    List<LoggedRequest> posts = SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    assertThat(posts).hasSize(2);
    assertThat(form(posts.get(1))).containsEntry("thread_ts", "1700000000.000100");
    assertThat(form(posts.get(1)).get("text")).contains("maria@example.com asks to keep dana@example.com's admin");

    chat.summarize("maria@example.com", summary(true, List.of()), ref, List.of());
    String dry = form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update"))).get(1)).get("blocks");
    assertThat(dry).contains("(dry-run)", "38 would be reclaimed; nothing was changed", "mode: enforce");
  }

  @Test
  void aReviewersDmIsEditedInPlaceAndAReminderAlsoRepliesUnderIt() throws Exception {
    ChatMessageRef existing = new ChatMessageRef("maria@example.com", "DMARIA", "111.1");
    assertThat(chat.show(digest("update", 3), existing)).isEqualTo(existing);
    assertThat(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")))).isEmpty();
    chat.show(digest("reminder", 3), existing);

    List<LoggedRequest> updates = SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update")));
    assertThat(updates).hasSize(2);
    assertThat(form(updates.get(0))).containsEntry("channel", "DMARIA").containsEntry("ts", "111.1");
    assertThat(JSON.readTree(form(updates.get(1)).get("blocks")).toString()).contains("Reminder");
    List<LoggedRequest> replies = SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    assertThat(replies).hasSize(1);
    assertThat(form(replies.get(0))).containsEntry("thread_ts", "111.1");
    // Nothing left: the message says so, without buttons.
    chat.show(digest("update", 0), existing);
    String done = JSON.readTree(form(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update"))).get(2))
        .get("blocks")).toString();
    assertThat(done).contains("Nothing left for you").doesNotContain(SlackBlocks.ACTION_REVIEW_KEEP + "\"");
  }

  @Test
  void theOutcomeEditsTheStoredMessagesInPlaceAndPostsNothingNew() throws Exception {
    chat.showOutcome(List.of(new ChatMessageRef("maria@example.com", "DMARIA", "111.1"),
            new ChatMessageRef("omar@example.com", "DOMAR", "222.2")),
        new RequesterNotice("REQ-1", "dana@example.com", AuditKind.DENIED, "Denied by omar@example.com via SLACK: not now.",
            new RecordedDecision("e1", "omar@example.com", Verdict.DENY, Channel.SLACK, "not now",
                Instant.parse("2026-11-29T01:59:00Z"), "owner")));

    List<LoggedRequest> updates = SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update")));
    assertThat(updates).hasSize(2);
    assertThat(form(updates.get(0))).containsEntry("channel", "DMARIA").containsEntry("ts", "111.1");
    assertThat(form(updates.get(1))).containsEntry("channel", "DOMAR").containsEntry("ts", "222.2");
    String blocks = JSON.readTree(form(updates.get(0)).get("blocks")).toString();
    assertThat(blocks).contains("REQ-1: denied", "Denied by omar@example.com via SLACK: not now.",
        "*Denied* by omar@example.com via SLACK at <!date^" + Instant.parse("2026-11-29T01:59:00Z").getEpochSecond(),
        "<!date^" + Instant.parse("2026-11-29T02:00:00Z").getEpochSecond());
    assertThat(blocks).doesNotContain("access_approve", "access_deny"); // the buttons are gone
    assertThat(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")))).isEmpty();
  }

  @Test
  void theRequesterIsToldInADmAndAnExpiringGrantOffersExtend() throws Exception {
    chat.notifyRequester(new RequesterNotice("REQ-1", "dana@example.com", AuditKind.EXPIRING_SOON,
        "Access to grafana / admin ends at 2026-11-29T03:00:00Z."));
    chat.notifyRequester(new RequesterNotice("REQ-1", "dana@example.com", AuditKind.PROVISIONED,
        "Access to grafana / admin is active until 2026-11-29T03:00:00Z."));
    List<LoggedRequest> posts = SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    assertThat(posts).hasSize(2);
    assertThat(form(posts.get(0))).containsEntry("channel", "UDANA");
    assertThat(JSON.readTree(form(posts.get(0)).get("blocks")).toString()).contains("expiring soon", SlackBlocks.ACTION_EXTEND);
    assertThat(JSON.readTree(form(posts.get(1)).get("blocks")).toString()).contains("approved, access active", "2026-11-29T03:00:00Z")
        .doesNotContain(SlackBlocks.ACTION_EXTEND);
    // The Slack id is looked up once per person.
    assertThat(SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/users.lookupByEmail")))).hasSize(1);
  }

  @Test
  void remindersGoUnderTheOriginalMessageAndAnnouncementsToTheSecurityChannel() throws Exception {
    chat.remindApprovers(List.of(new ChatMessageRef("maria@example.com", "DMARIA", "111.1")),
        new RequesterNotice("REQ-1", "dana@example.com", AuditKind.REMINDER, "Still waiting."));
    chat.announce(new RequesterNotice("REQ-1", "dana@example.com", AuditKind.BREAK_GLASS, "Break-glass used."));
    List<LoggedRequest> posts = SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    assertThat(form(posts.get(0))).containsEntry("channel", "DMARIA").containsEntry("thread_ts", "111.1");
    assertThat(form(posts.get(1))).containsEntry("channel", "CSEC");
  }

  @Test
  void aBadTokenFailsWithoutRetriesAndAnOutageIsRetried() {
    SLACK.stubFor(post(urlPathEqualTo("/api/chat.update")).withRequestBody(containing("BAD"))
        .willReturn(okJson("{\"ok\":false,\"error\":\"invalid_auth\"}")));
    SLACK.stubFor(post(urlPathEqualTo("/api/chat.update")).withRequestBody(containing("DOWN"))
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(503)));
    RequesterNotice notice = new RequesterNotice("REQ-1", "dana@example.com", AuditKind.DENIED, "Denied.");
    assertThatThrownBy(() -> chat.showOutcome(List.of(new ChatMessageRef("x", "BAD", "1.1")), notice))
        .isInstanceOf(ApplicationFailure.class).hasMessageContaining("invalid_auth");
    assertThatThrownBy(() -> chat.showOutcome(List.of(new ChatMessageRef("x", "DOWN", "1.1")), notice))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("503");
  }

  @Test
  void aDriftAlertGoesToTheSecurityChannelWithinSlacksLimitsAndNowhereWithoutOne() throws Exception {
    String alert = ":warning: Drift finding 7 (out-of-band): ed@example.com is in group grafana-admins. " + "x".repeat(5_000);

    chat.alertSecurity(alert);
    new SlackChat(Slack.getInstance(slackConfig()).methods("xoxb-test"), "", "", Clock.systemUTC()).alertSecurity(alert);

    List<LoggedRequest> posts = SLACK.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")));
    assertThat(posts).hasSize(1);
    Map<String, String> sent = form(posts.get(0));
    assertThat(sent).containsEntry("channel", "CSEC");
    assertThat(sent.get("text")).startsWith(":warning: Drift finding 7").hasSizeLessThanOrEqualTo(SlackBlocks.MESSAGE_TEXT);
    JsonNode section = JSON.readTree(sent.get("blocks")).get(0);
    assertThat(section.path("type").asText()).isEqualTo("section");
    assertThat(section.path("text").path("type").asText()).isEqualTo("mrkdwn");
    assertThat(section.path("text").path("text").asText()).hasSizeLessThanOrEqualTo(3_000);
  }

  private static SlackConfig slackConfig() {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(SLACK.baseUrl() + "/api/");
    return config;
  }

  private static Map<String, String> form(LoggedRequest request) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : request.getBodyAsString().split("&")) {
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }
}
