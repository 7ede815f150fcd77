package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The REST API's contract: auth, bad input (4xx naming the field, no workflow started), refusals. */
@ExtendWith(DropwizardExtensionsSupport.class)
class AccessRequestApiTest {
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded();
  private Http http;

  @BeforeEach
  void client() {
    http = new Http(APP.getLocalPort());
  }

  private static String ask(String requestId, String app, String role, String duration, String reason) {
    return """
        {"requestId":"%s","requester":"dana@example.com","app":"%s","role":"%s","duration":"%s","reason":%s}"""
        .formatted(requestId, app, role, duration, reason == null ? "null" : "\"" + reason + "\"");
  }

  private void assertRefusedAndNotStarted(Http.Reply reply, int status, String field, String message, String requestId) {
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.text("code")).isEqualTo(String.valueOf(status));
    if (field != null) {
      assertThat(reply.text("field")).isEqualTo(field);
    }
    assertThat(reply.text("message")).contains(message);
    if (requestId != null) {
      assertThat(http.get("/v1/requests/" + requestId).status()).isEqualTo(404);
    }
  }

  @Test
  void missingOrWrongTokenIsUnauthorized() {
    Http.Reply none = http.post("/v1/requests", ask("auth-1", "grafana", "admin", "PT1H", "x"), null);
    assertRefusedAndNotStarted(none, 401, null, "missing Authorization", "auth-1");
    Http.Reply wrong = http.post("/v1/requests", ask("auth-2", "grafana", "admin", "PT1H", "x"), "not-the-token-at-all");
    assertRefusedAndNotStarted(wrong, 401, null, "not valid", "auth-2");
  }

  @Test
  void unknownAppIsRefusedWithTheKnownApps() {
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("bad-app", "gitlab", "admin", "PT1H", "deploy")),
        422, "app", "unknown app 'gitlab'; known apps: grafana, aws-prod, figma, sandbox-demo", "bad-app");
  }

  @Test
  void unknownRoleIsRefusedWithTheAppsRoles() {
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("bad-role", "grafana", "owner", "PT1H", "deploy")),
        422, "role", "unknown role 'owner' for app grafana; its roles: viewer, admin", "bad-role");
  }

  @Test
  void durationNotAllowedForTheRoleIsRefused() {
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("bad-dur", "grafana", "admin", "P7D", "deploy")),
        422, "duration", "PT168H is not allowed for grafana / admin; allowed: PT1H, PT6H, PT24H", "bad-dur");
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("bad-dur2", "grafana", "admin", "one hour", "deploy")),
        422, "duration", "'one hour' is not an ISO-8601 duration", "bad-dur2");
  }

  @Test
  void missingReasonIsRefused() {
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("no-reason", "grafana", "admin", "PT1H", null)),
        422, "reason", "reason is required", "no-reason");
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("blank-reason", "grafana", "admin", "PT1H", "  ")),
        422, "reason", "reason is required", "blank-reason");
  }

  @Test
  void malformedJsonAndWrongTypesAreBadRequests() {
    assertRefusedAndNotStarted(http.post("/v1/requests", "{\"requestId\":\"mal-1\", \"app\": "), 400, null,
        "not valid JSON", "mal-1");
    assertRefusedAndNotStarted(http.post("/v1/requests",
        "{\"requestId\":\"mal-2\",\"app\":\"grafana\",\"role\":\"admin\",\"duration\":{\"hours\":1},\"reason\":\"x\"}"),
        400, "duration", "field 'duration' has the wrong type", "mal-2");
    assertRefusedAndNotStarted(http.post("/v1/requests", "[1,2,3]"), 400, null, "expected JSON object", null);
  }

  @Test
  void undecodablePathsAreJsonBadRequests() {
    for (String path : new String[] {"/v1/requests/%00abc", "/v1/requests/%C0%80"}) {
      Http.Reply reply = http.get(path);
      assertThat(reply.status()).as(path).isEqualTo(400);
      assertThat(reply.text("code")).as(path).isEqualTo("400");
      assertThat(reply.text("message")).as(path).startsWith("Bad Request");
    }
  }

  @Test
  void hugeBodyIsRefused() {
    String reason = "x".repeat(200_000);
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("huge", "grafana", "admin", "PT1H", reason)),
        413, null, "larger than", "huge");
  }

  @Test
  void aChunkedBodyOverTheCapIsRefusedAndNothingIsApplied() {
    assertThat(http.post("/v1/requests", ask("chunk-1", "figma", "editor", "PT24H", "design review")).status()).isEqualTo(201);
    String huge = "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\",\"comment\":\"" + "x".repeat(1 << 20) + "\"}";
    Http.Reply reply = http.request("POST", "/v1/requests/chunk-1/decision", huge, true, null);
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.text("message")).contains("larger than 65536 bytes");
    assertThat(http.get("/v1/requests/chunk-1").body().path("decisions")).isEmpty();
    // A small chunked body is read normally.
    Http.Reply small = http.request("POST", "/v1/requests/chunk-1/decision",
        "{\"verdict\":\"DENY\",\"actor\":\"maria@example.com\",\"comment\":\"no\"}", true, null);
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.text("status")).isEqualTo("DENIED");
  }

  @Test
  void scalarsOfTheWrongTypeAreRefusedNotConverted() {
    String[] bodies = {
        "{\"requestId\":\"coerce-1\",\"requester\":\"dana@example.com\",\"app\":\"figma\",\"role\":\"editor\",\"duration\":\"PT24H\",\"reason\":123}",
        "{\"requestId\":\"coerce-2\",\"requester\":\"dana@example.com\",\"app\":\"figma\",\"role\":\"editor\",\"duration\":\"PT24H\",\"reason\":true}",
        "{\"requestId\":\"coerce-3\",\"requester\":\"dana@example.com\",\"app\":\"figma\",\"role\":\"editor\",\"duration\":\"PT24H\",\"reason\":1.5}",
    };
    for (String body : bodies) {
      String id = body.substring(14, 22);
      assertRefusedAndNotStarted(http.post("/v1/requests", body), 400, "reason", "field 'reason' has the wrong type", id);
    }
    assertRefusedAndNotStarted(http.post("/v1/requests",
        "{\"requestId\":true,\"requester\":\"dana@example.com\",\"app\":\"figma\",\"role\":\"editor\",\"duration\":\"PT24H\",\"reason\":\"x\"}"),
        400, "requestId", "field 'requestId' has the wrong type", "true");
    assertRefusedAndNotStarted(http.post("/v1/requests",
        "{\"requestId\":123,\"requester\":\"dana@example.com\",\"app\":\"figma\",\"role\":\"editor\",\"duration\":\"PT24H\",\"reason\":\"x\"}"),
        400, "requestId", "field 'requestId' has the wrong type", "123");
    assertRefusedAndNotStarted(http.post("/v1/requests",
        "{\"requestId\":\"coerce-4\",\"requester\":\"dana@example.com\",\"app\":\"figma\",\"role\":\"editor\",\"duration\":\"PT24H\",\"reason\":\"x\",\"emergency\":\"true\"}"),
        400, "emergency", "field 'emergency' has the wrong type", "coerce-4");
  }

  @Test
  void requestIdsHaveAFormat() {
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("has space", "figma", "editor", "PT24H", "x")),
        422, "requestId", "1-64 letters, digits, '.', '-' or '_'", null);
    assertRefusedAndNotStarted(http.post("/v1/requests", ask("x".repeat(65), "figma", "editor", "PT24H", "x")),
        422, "requestId", "1-64 letters", null);
    assertThat(http.post("/v1/requests", ask("team.ops_1-a", "figma", "editor", "PT24H", "x")).status()).isEqualTo(201);
  }

  @Test
  void aCommentLongerThanTheTicketAndSlackTakeIsRefused() {
    assertThat(http.post("/v1/requests", ask("long-comment", "grafana", "admin", "PT1H", "incident")).status()).isEqualTo(201);
    Http.Reply reply = http.post("/v1/requests/long-comment/decision",
        "{\"verdict\":\"DENY\",\"actor\":\"omar@example.com\",\"comment\":\"" + "c".repeat(2001) + "\"}");
    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.text("field")).isEqualTo("comment");
    assertThat(http.get("/v1/requests/long-comment").body().path("decisions")).isEmpty();
  }

  @Test
  void unknownMethodsAnswerJsonNamingTheMethod() {
    for (String method : new String[] {"TRACE", "PATCH", "FOO"}) {
      Http.Reply reply = http.request(method, "/v1/requests", null, false, null);
      assertThat(reply.status()).as(method).isEqualTo(405);
      assertThat(reply.text("code")).as(method).isEqualTo("405");
      assertThat(reply.text("message")).as(method).isNotBlank();
    }
  }

  @Test
  void oneIdempotencyKeyOnDifferentActionsAppliesEachAction() {
    assertThat(http.post("/v1/requests", ask("kinds-1", "grafana", "admin", "PT1H", "incident")).status()).isEqualTo(201);
    Http.Reply approved = http.request("POST", "/v1/requests/kinds-1/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"omar@example.com\"}", false, "same-key");
    assertThat(approved.text("status")).isEqualTo("APPROVED");
    http.awaitStatus("kinds-1", "ACTIVE", java.time.Duration.ofSeconds(30));
    Http.Reply extended = http.request("POST", "/v1/requests/kinds-1/extend",
        "{\"duration\":\"PT6H\",\"actor\":\"omar@example.com\"}", false, "same-key");
    assertThat(extended.status()).isEqualTo(200);
    assertThat(extended.text("message")).startsWith("expires at");
    Http.Reply state = http.get("/v1/requests/kinds-1");
    assertThat(java.time.Duration.between(java.time.Instant.parse(state.text("grantedAt")),
        java.time.Instant.parse(state.text("expiresAt")))).isEqualTo(java.time.Duration.ofHours(6));
  }

  @Test
  void aRequesterTheIdpDoesNotKnowIsRefusedAtIntakeAndNothingStarts() {
    assertRefusedAndNotStarted(http.post("/v1/requests",
        "{\"requestId\":\"ghost-1\",\"requester\":\"ghost@example.com\",\"app\":\"grafana\",\"role\":\"admin\",\"duration\":\"PT1H\",\"reason\":\"x\"}"),
        422, "requester", "ghost@example.com cannot be granted access: no user with login ghost@example.com", "ghost-1");
  }

  @Test
  void requesterMustBeAnEmailLogin() {
    assertRefusedAndNotStarted(http.post("/v1/requests",
        "{\"requestId\":\"who\",\"requester\":\"dana\",\"app\":\"grafana\",\"role\":\"admin\",\"duration\":\"PT1H\",\"reason\":\"x\"}"),
        422, "requester", "IdP login", "who");
  }

  @Test
  void duplicateRequestIdIsAConflict() {
    assertThat(http.post("/v1/requests", ask("dup-1", "grafana", "admin", "PT1H", "incident")).status()).isEqualTo(201);
    Http.Reply again = http.post("/v1/requests", ask("dup-1", "grafana", "admin", "PT1H", "incident"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.text("message")).contains("request dup-1 already exists");
  }

  @Test
  void decisionsByTheRequesterOrOutsidersAreForbiddenAndChangeNothing() {
    assertThat(http.post("/v1/requests", ask("deny-me", "grafana", "admin", "PT1H", "incident")).status()).isEqualTo(201);

    Http.Reply self = http.post("/v1/requests/deny-me/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"dana@example.com\"}");
    assertThat(self.status()).as(self.body().toString()).isEqualTo(403);
    assertThat(self.text("message")).isEqualTo("dana@example.com requested this access and cannot approve or deny it");

    Http.Reply outsider = http.post("/v1/requests/deny-me/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"sam@example.com\"}");
    assertThat(outsider.status()).isEqualTo(403);
    assertThat(outsider.text("message")).contains("sam@example.com is not an approver of stage 'app owner'");

    Http.Reply badVerdict = http.post("/v1/requests/deny-me/decision", "{\"verdict\":\"MAYBE\",\"actor\":\"omar@example.com\"}");
    assertThat(badVerdict.status()).isEqualTo(422);
    assertThat(badVerdict.text("field")).isEqualTo("verdict");

    Http.Reply state = http.get("/v1/requests/deny-me");
    assertThat(state.body().path("decisions")).isEmpty();
    assertThat(state.text("status")).isIn("SUBMITTED", "PENDING_APPROVAL");

    Http.Reply denied = http.post("/v1/requests/deny-me/decision",
        "{\"verdict\":\"DENY\",\"actor\":\"omar@example.com\",\"comment\":\"use viewer\"}");
    assertThat(denied.status()).isEqualTo(200);
    assertThat(denied.text("status")).isEqualTo("DENIED");
    Http.Reply late = http.post("/v1/requests/deny-me/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"omar@example.com\"}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.text("message")).contains("DENIED");
  }

  @Test
  void sameIdempotencyKeyAppliesADecisionOnce() {
    assertThat(http.post("/v1/requests", ask("idem-1", "figma", "editor", "PT24H", "design review")).status()).isEqualTo(201);
    Http.Reply first = http.postWithKey("/v1/requests/idem-1/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\"}", "k-1");
    Http.Reply again = http.postWithKey("/v1/requests/idem-1/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\"}", "k-1");
    assertThat(first.status()).isEqualTo(200);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());
    assertThat(http.get("/v1/requests/idem-1").body().path("decisions")).hasSize(1);
  }

  @Test
  void unknownRequestIsNotFound() {
    Http.Reply reply = http.post("/v1/requests/nope-404/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"omar@example.com\"}");
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.text("message")).isEqualTo("no access request with id nope-404");
    assertThat(http.get("/v1/requests/nope-404").status()).isEqualTo(404);
  }

  @Test
  void theEmbeddedDefaultListensOnLoopbackOnly() throws Exception {
    var server = (io.dropwizard.core.server.DefaultServerFactory) APP.getConfiguration().getServerFactory();
    for (var connector : server.getApplicationConnectors()) {
      assertThat(((io.dropwizard.jetty.HttpConnectorFactory) connector).getBindHost()).isEqualTo("127.0.0.1");
    }
    for (var connector : server.getAdminConnectors()) {
      assertThat(((io.dropwizard.jetty.HttpConnectorFactory) connector).getBindHost()).isEqualTo("127.0.0.1");
    }
    // Where this machine has another address, the API is not reachable on it.
    for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
      for (var address : java.util.Collections.list(nic.getInetAddresses())) {
        if (address.isLoopbackAddress() || !(address instanceof java.net.Inet4Address)) {
          continue;
        }
        try (var socket = new java.net.Socket()) {
          org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.connect(
              new java.net.InetSocketAddress(address, APP.getLocalPort()), 2000)).isInstanceOf(java.io.IOException.class);
        }
      }
    }
  }

  @Test
  void catalogAndHealthAreServed() {
    Http.Reply catalog = http.get("/v1/catalog");
    assertThat(catalog.status()).isEqualTo(200);
    assertThat(catalog.body().path("apps").path("grafana").path("roles").path("admin").path("durations").toString())
        .isEqualTo("[\"PT1H\",\"PT6H\",\"PT24H\"]");
    Http.Reply health = new Http(APP.getAdminPort()).get("/healthcheck");
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.body().path("temporal").path("healthy").asBoolean()).isTrue();
  }
}
