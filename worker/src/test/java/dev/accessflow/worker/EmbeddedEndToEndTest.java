package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.ledger.AuditVerifier;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real process in embedded mode (Temporal test server over gRPC on 127.0.0.1, sandbox IdP),
 * driven only through REST: create, approve, ACTIVE with the membership, EXPIRED without it, and
 * the embedded ledger's rows of the request from create to expiry.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class EmbeddedEndToEndTest {
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded();

  @Test
  void requestIsApprovedProvisionedAndRemovedAtExpiryThroughRestOnly() throws Exception {
    long started = System.nanoTime();
    Http http = new Http(APP.getLocalPort());

    Http.Reply created = http.post("/v1/requests", """
        {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT10S","reason":"e2e"}""");
    assertThat(created.status()).isEqualTo(201);
    String id = created.text("requestId");
    assertThat(id).matches("REQ-[A-Z0-9]{8}");

    Http.Reply approved = http.post("/v1/requests/" + id + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\",\"comment\":\"ok\"}");
    assertThat(approved.status()).isEqualTo(200);
    assertThat(approved.text("status")).isEqualTo("APPROVED");

    Http.Reply active = http.awaitStatus(id, "ACTIVE", Duration.ofSeconds(30));
    assertThat(http.get("/v1/sandbox/memberships").body().path("sandbox-readers").toString())
        .isEqualTo("[\"dana@example.com\"]");
    Instant expiresAt = Instant.parse(active.text("expiresAt"));
    assertThat(Duration.between(Instant.parse(active.text("grantedAt")), expiresAt)).isEqualTo(Duration.ofSeconds(10));

    Http.Reply expired = http.awaitStatus(id, "EXPIRED", Duration.ofSeconds(60));
    assertThat(http.get("/v1/sandbox/memberships").body().path("sandbox-readers").toString()).isEqualTo("[]");
    Duration lag = Duration.parse(expired.text("revocationLag"));
    assertThat(Instant.parse(expired.text("revokedAt"))).isAfterOrEqualTo(expiresAt);
    assertThat(expired.body().path("decisions").get(0).path("actor").asText()).isEqualTo("maria@example.com");
    assertThat(http.get("/v1/requests").body().path("requests").toString()).contains(id);

    // The ledger's rows of this request, from create to expiry (written beside the ticket, so polled).
    String trail = http.awaitTrail(id, "\"kind\":\"REVOKED\"", Duration.ofSeconds(20));
    List<JsonNode> rows = Http.jsonLines(trail);
    assertThat(rows).extracting(r -> r.path("kind").asText())
        .containsExactly("SUBMITTED", "DECISION", "APPROVED", "PROVISIONED", "EXPIRY_SCHEDULED", "REVOKED");
    assertThat(rows).extracting(r -> r.path("sequence").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(rows.get(5).path("status").asText()).isEqualTo("EXPIRED");
    assertThat(new AuditVerifier().verify(new StringReader(trail), true).ok()).isTrue();
    JsonNode listed = http.get("/v1/requests?requester=dana@example.com&app=sandbox-demo&limit=1").body().path("requests").get(0);
    assertThat(listed.path("requestId").asText()).isEqualTo(id);
    assertThat(listed.path("status").asText()).isEqualTo("EXPIRED");
    assertThat(listed.path("approvedBy").asText()).isEqualTo("people");
    Instant during = Instant.parse(active.text("grantedAt")).plusSeconds(5);
    JsonNode held = http.get("/v1/access?at=" + during + "&user=dana@example.com&app=sandbox-demo").body().path("access");
    assertThat(held).extracting(h -> h.path("groupId").asText()).containsExactly("sandbox-readers");
    assertThat(held.get(0).path("removedAt").asText()).isEqualTo(expired.text("revokedAt"));
    assertThat(http.get("/v1/access?at=" + expired.text("revokedAt") + "&user=dana@example.com&app=sandbox-demo")
        .body().path("access")).isEmpty();

    System.out.printf("e2e: create -> approve -> active -> expired in %.2f s (10 s grant), revocation lag %s%n",
        (System.nanoTime() - started) / 1e9, lag);
  }
}
