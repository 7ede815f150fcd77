package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Auto-reclaim in the real process on the embedded default: the shipped catalog with a one-minute
 * reclaim policy on the sandbox app. Two people added in the sandbox directory go unused for the
 * threshold; a scan started over REST warns both (by the app's sign-in log), one keeps it with a
 * reason, and the other is removed from the sandbox group when the grace ends. Refusals change nothing.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReclaimEndToEndTest {
  static final Duration THRESHOLD = Duration.ofMinutes(1);
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(
      ConfigOverride.config("catalog", reclaimingCatalog().toString()));

  private static Path reclaimingCatalog() {
    try {
      String shipped = Files.readString(Path.of("../config/catalog.yml"));
      String marker = "    name: Sandbox demo (embedded mode only)\n";
      if (!shipped.contains(marker)) {
        throw new IllegalStateException("the shipped catalog no longer has the sandbox app this test reclaims");
      }
      Path file = Files.createTempFile("catalog-reclaim", ".yml");
      Files.writeString(file, shipped.replace(marker, marker
          + "    reclaim: {inactiveAfter: PT1M, grace: PT1M, mode: enforce, idpApp: sandbox-demo-app}\n"));
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode items(Http http, String query) {
    return http.get("/v1/reclaim?app=sandbox-demo&" + query).body().path("items");
  }

  @Test
  void unusedAccessIsWarnedKeptWithAReasonOrRemovedWhenTheGraceEnds() throws Exception {
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

    Http.Reply notHers = http.post("/v1/reclaim/items/" + danaItem + "/keep",
        "{\"actor\":\"ed@example.com\",\"reason\":\"I want hers\"}");
    assertThat(notHers.status()).isEqualTo(403);
    assertThat(notHers.text("message")).startsWith("not-member-or-owner");
    Http.Reply noReason = http.post("/v1/reclaim/items/" + danaItem + "/keep", "{\"actor\":\"dana@example.com\"}");
    assertThat(noReason.status()).isEqualTo(422);
    assertThat(noReason.text("field")).isEqualTo("reason");
    Http.Reply kept = http.post("/v1/reclaim/items/" + danaItem + "/keep",
        "{\"actor\":\"dana@example.com\",\"reason\":\"on-call reader next week\"}");
    assertThat(kept.status()).isEqualTo(200);
    assertThat(kept.text("state")).isEqualTo("kept");
    assertThat(kept.text("decidedVia")).isEqualTo("REST");

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
  }
}
