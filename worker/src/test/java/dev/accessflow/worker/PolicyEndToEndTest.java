package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every example route of the shipped catalog (config/catalog.yml), through REST only, on the real
 * process in embedded mode with the sandbox IdP (dana and ed report to maria; dana is in engineering,
 * ed in sales; omar owns grafana and aws-prod; bea is finance, sam is security).
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class PolicyEndToEndTest {
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded();

  private final Http http = new Http(APP.getLocalPort());

  @Test
  void standardAppIsAutoApprovedForTheExpectedDepartmentAndNeedsNoDuration() throws Exception {
    String id = create("dana@example.com", "grafana", "viewer", null, false);
    JsonNode active = awaitStatus(id, "ACTIVE").body();
    assertThat(active.path("decisions").get(0).path("actor").asText()).isEqualTo("accessflow");
    assertThat(active.path("decisions").get(0).path("comment").asText()).isEqualTo("the role is expected for department engineering");
    assertThat(Duration.parse(active.path("duration").asText())).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void standardAppGoesToTheManagerFromTheIdpForOtherDepartments() throws Exception {
    String id = create("ed@example.com", "grafana", "viewer", "PT24H", false);
    JsonNode pending = awaitStatus(id, "PENDING_APPROVAL").body();
    assertThat(approvers(pending, 0)).containsExactly("maria@example.com");
    approveInOrder(id, "maria@example.com");
  }

  @Test
  void paidLicenceIsTheManagerThenTheBudgetOwner() throws Exception {
    String id = create("dana@example.com", "figma", "editor", "PT24H", false);
    JsonNode pending = awaitStatus(id, "PENDING_APPROVAL").body();
    assertThat(approvers(pending, 0)).containsExactly("maria@example.com");
    assertThat(approvers(pending, 1)).containsExactly("bea@example.com");
    approveInOrder(id, "maria@example.com", "bea@example.com");
  }

  @Test
  void adminIsTheAppOwner() throws Exception {
    String id = create("dana@example.com", "grafana", "admin", "PT1H", false);
    assertThat(stageNames(awaitStatus(id, "PENDING_APPROVAL").body())).containsExactly("app owner");
    approveInOrder(id, "omar@example.com");
  }

  @Test
  void productionIsTheAppOwnerThenSecurity() throws Exception {
    String id = create("dana@example.com", "aws-prod", "deploy", "PT1H", false);
    assertThat(stageNames(awaitStatus(id, "PENDING_APPROVAL").body())).containsExactly("app owner", "security");
    Http.Reply early = http.post("/v1/requests/" + id + "/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"sam@example.com\"}");
    assertThat(early.status()).isEqualTo(403);
    assertThat(early.text("message")).startsWith("sam@example.com is not an approver of stage 'app owner'");
    approveInOrder(id, "omar@example.com", "sam@example.com");
  }

  @Test
  void temporaryElevatedIsTheAppOwnerAndRequiresAnExpiry() throws Exception {
    Http.Reply noExpiry = http.post("/v1/requests", body("dana@example.com", "aws-prod", "break-fix", null, false));
    assertThat(noExpiry.status()).isEqualTo(422);
    assertThat(noExpiry.text("message")).isEqualTo("duration is required; allowed: PT1H, PT6H");
    String id = create("dana@example.com", "aws-prod", "break-fix", "PT6H", false);
    assertThat(stageNames(awaitStatus(id, "PENDING_APPROVAL").body())).containsExactly("app owner");
    approveInOrder(id, "omar@example.com");
  }

  @Test
  void breakGlassIsActiveAtOnceAndUnreviewedUntilSecurityReviewsIt() throws Exception {
    Http.Reply tooLong = http.post("/v1/requests", body("dana@example.com", "aws-prod", "break-fix", "PT6H", true));
    assertThat(tooLong.status()).isEqualTo(422);
    assertThat(tooLong.text("message")).isEqualTo("break-glass access to aws-prod / break-fix lasts at most PT1H; ask for PT1H or less");

    String id = create("dana@example.com", "aws-prod", "break-fix", null, true);
    JsonNode active = awaitStatus(id, "ACTIVE").body();
    assertThat(active.path("breakGlassUnreviewed").asBoolean()).isTrue();
    assertThat(active.path("decisions")).isEmpty();
    assertThat(http.get("/v1/sandbox/memberships").body().path("aws-prod-operators").toString()).contains("dana@example.com");

    Http.Reply review = http.post("/v1/requests/" + id + "/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"sam@example.com\"}");
    assertThat(review.status()).as(review.body().toString()).isEqualTo(200);
    assertThat(review.text("message")).isEqualTo("break-glass review complete");
    assertThat(http.get("/v1/requests/" + id).body().path("breakGlassUnreviewed").asBoolean()).isFalse();
  }

  // ---- helpers ----

  private void approveInOrder(String id, String... approvers) throws InterruptedException {
    for (int i = 0; i < approvers.length; i++) {
      if (i > 0) {
        awaitStage(id, i);
      }
      Http.Reply reply = http.post("/v1/requests/" + id + "/decision",
          "{\"verdict\":\"APPROVE\",\"actor\":\"" + approvers[i] + "\",\"comment\":\"ok\"}");
      assertThat(reply.status()).as(reply.body().toString()).isEqualTo(200);
    }
    JsonNode active = awaitStatus(id, "ACTIVE").body();
    List<String> actors = new ArrayList<>();
    active.path("decisions").forEach(d -> actors.add(d.path("actor").asText()));
    assertThat(actors).containsExactly(approvers);
  }

  private String create(String requester, String app, String role, String duration, boolean emergency) {
    Http.Reply created = http.post("/v1/requests", body(requester, app, role, duration, emergency));
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    return created.text("requestId");
  }

  private static String body(String requester, String app, String role, String duration, boolean emergency) {
    return "{\"requester\":\"" + requester + "\",\"app\":\"" + app + "\",\"role\":\"" + role + "\","
        + (duration == null ? "" : "\"duration\":\"" + duration + "\",")
        + "\"reason\":\"policy e2e\",\"emergency\":" + emergency + "}";
  }

  private static List<String> approvers(JsonNode state, int stage) {
    List<String> logins = new ArrayList<>();
    state.path("route").get(stage).path("approvers").forEach(a -> logins.add(a.asText()));
    return logins;
  }

  private static List<String> stageNames(JsonNode state) {
    List<String> names = new ArrayList<>();
    state.path("route").forEach(s -> names.add(s.path("name").asText()));
    return names;
  }

  /** Waits until the request waits for its stage number {@code stage} (0-based), and fails the test if it never does. */
  private void awaitStage(String id, int stage) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode state = http.get("/v1/requests/" + id).body();
    while (!waitsFor(state, stage) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      state = http.get("/v1/requests/" + id).body();
    }
    assertThat(waitsFor(state, stage)).as("request " + id + " waits for stage " + stage + ": " + state).isTrue();
  }

  private static boolean waitsFor(JsonNode state, int stage) {
    return state.path("route").path(stage).path("name").asText().equals(state.path("waitingFor").asText());
  }

  private Http.Reply awaitStatus(String id, String status) {
    return http.awaitStatus(id, status, Duration.ofSeconds(30));
  }
}
