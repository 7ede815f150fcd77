package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process with LOG_FORMAT=json at INFO, every secret configured (API token, Slack bot token and
 * signing secret, Okta event hook secret, a Temporal Cloud API key to a TLS cluster), driven through
 * a grant, forged and refused deliveries and a wrong API token: every line of its log is one JSON
 * object, the lines about the request carry its id, workflow and ticket, the audit lines are
 * structured, and no configured secret appears anywhere in the log.
 */
class LogsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BOT_TOKEN = "xoxb-logs-test-bot-token-5150";
  private static final String HOOK_SECRET = "okta-hook-secret-for-logs-0451";
  private static final String TEMPORAL_KEY = "tmprl-api-key-for-logs-2112";
  @TempDir Path dir;

  @Test
  void everyLineIsJsonTheRequestsLinesNameItAndNoConfiguredSecretIsEverWritten() throws Exception {
    TestCertificates authority = new TestCertificates(dir, "logs-test-ca");
    Path log = dir.resolve("accessflow.log");
    SlackStub slackStub = new SlackStub();
    try (TlsTemporalServer cluster = new TlsTemporalServer(authority.server("temporal"), null, TEMPORAL_KEY)) {
      List<ConfigOverride> overrides = new ArrayList<>(List.of(slackStub.config(BOT_TOKEN)));
      overrides.addAll(List.of(
          ConfigOverride.config("logging.appenders[0].type", "file"),
          ConfigOverride.config("logging.appenders[0].currentLogFilename", log.toString()),
          ConfigOverride.config("logging.appenders[0].archive", "false"),
          ConfigOverride.config("logging.appenders[0].layout.type", "json"),
          ConfigOverride.config("temporal.target", cluster.target()),
          ConfigOverride.config("temporal.stickyExecution", "false"),
          ConfigOverride.config("temporal.tls.enabled", "true"),
          ConfigOverride.config("temporal.tls.caCert", authority.caFile().toString()),
          ConfigOverride.config("temporal.apiKey", TEMPORAL_KEY),
          ConfigOverride.config("inventory.oktaEventHookSecret", HOOK_SECRET)));
      DropwizardAppExtension<AccessflowConfiguration> app = AccessflowApp.embedded(
          Path.of("../config/catalog.yml"), "INFO", overrides.toArray(ConfigOverride[]::new));
      app.before();
      String id;
      try {
        Http http = new Http(app.getLocalPort());
        Http.Reply created = http.post("/v1/requests", """
            {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT10S","reason":"logs"}""");
        assertThat(created.status()).isEqualTo(201);
        id = created.text("requestId");
        assertThat(http.post("/v1/requests/" + id + "/decision",
            "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\"}").status()).isEqualTo(200);
        http.awaitStatus(id, "ACTIVE", Duration.ofSeconds(30));
        http.awaitTrail(id, "\"kind\":\"PROVISIONED\"", Duration.ofSeconds(20));
        assertThat(http.post("/v1/requests", "{}", "not-the-token-at-all-000").status()).isEqualTo(401);

        SlackPayloads slack = new SlackPayloads(app.getLocalPort());
        assertThat(slack.send(SlackPayloads.slashCommand(SlackStub.DANA.userId(), "t-logs"),
            Long.toString(Instant.now().getEpochSecond()), "v0=" + "1".repeat(64)).status()).isEqualTo(401);
        HttpClient client = HttpClient.newHttpClient();
        for (String authorization : List.of("wrong-secret-0123456789", HOOK_SECRET)) {
          HttpResponse<String> hook = client.send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + app.getLocalPort() + "/okta/events"))
              .header("Authorization", authorization).header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString("{\"data\": 7}")).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(hook.statusCode()).isIn(400, 401);
        }
      } finally {
        app.after();
        slackStub.stop();
      }

      List<String> lines = Files.readAllLines(log);
      assertThat(lines).hasSizeGreaterThan(20);
      List<JsonNode> events = new ArrayList<>();
      for (String line : lines) {
        events.add(JSON.readTree(line)); // throws on any line that is not one JSON object
      }
      for (String secret : List.of(Http.TOKEN, BOT_TOKEN, SlackPayloads.SECRET, HOOK_SECRET, TEMPORAL_KEY)) {
        assertThat(lines).as("log lines containing a configured secret").noneMatch(line -> line.contains(secret));
      }

      String workflowId = "access-request-" + id;
      JsonNode started = only(events, e -> e.path("message").asText().startsWith("request " + id + " started"));
      assertThat(mdc(started)).containsEntry("requestId", id).containsEntry("workflowId", workflowId);
      JsonNode decided = only(events, e -> e.path("message").asText().startsWith("request " + id + ": decide answered"));
      assertThat(mdc(decided)).containsEntry("requestId", id);

      // The audit trail (no Jira here, so the audit logger), one structured line per step.
      // (The audit logger also reports drift: the first sync can meet the new membership, not the request's.)
      List<JsonNode> audit = events.stream().filter(e -> "accessflow.audit".equals(e.path("logger").asText())
          && e.path("message").asText().startsWith("request " + id + " #")).toList();
      assertThat(audit).isNotEmpty().allSatisfy(e -> {
        assertThat(mdc(e)).containsEntry("requestId", id).containsKeys("auditSequence", "auditKind", "auditStatus",
            "auditAt", "WorkflowId");
      });
      assertThat(audit).extracting(e -> mdc(e).get("auditKind")).contains("SUBMITTED", "APPROVED", "PROVISIONED");

      // The sandbox IdP's line about the membership, written in an activity of the membership's own workflow.
      JsonNode added = only(events, e -> e.path("message").asText().contains("dana@example.com")
          && e.path("logger").asText().endsWith("SandboxDirectory") && e.path("message").asText().contains("ADDED"));
      assertThat(mdc(added)).containsEntry("requestId", id).containsKey("WorkflowId");
      // And after the request, its context is gone: the refused deliveries' lines name no request.
      assertThat(events.stream().filter(e -> e.path("message").asText().contains("Slack request refused")))
          .singleElement().satisfies(e -> assertThat(mdc(e)).doesNotContainKey("requestId"));
    }
  }

  private static JsonNode only(List<JsonNode> events, java.util.function.Predicate<JsonNode> which) {
    List<JsonNode> found = events.stream().filter(which).toList();
    assertThat(found).as("matching log lines").isNotEmpty();
    return found.get(0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> mdc(JsonNode event) {
    // A line with an empty MDC has no mdc field.
    return event.has("mdc") ? JSON.convertValue(event.path("mdc"), Map.class) : Map.of();
  }
}
