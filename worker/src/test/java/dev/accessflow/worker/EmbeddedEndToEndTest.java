package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real process in embedded mode (Temporal test server over gRPC on 127.0.0.1, sandbox IdP),
 * driven only through REST: create, approve, ACTIVE with the membership, EXPIRED without it.
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

    System.out.printf("e2e: create -> approve -> active -> expired in %.2f s (10 s grant), revocation lag %s%n",
        (System.nanoTime() - started) / 1e9, lag);
  }
}
