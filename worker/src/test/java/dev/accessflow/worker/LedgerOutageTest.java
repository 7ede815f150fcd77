package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.ledger.AuditVerifier;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real PostgreSQL outage: the ledger's embedded server is stopped while a request is approved,
 * provisioned and expired, then started again on the same port and data directory. Decisions,
 * grants and removals go on through Temporal; the ledger's reads answer 503; afterwards the pool
 * reconnects by itself and every row arrives, in order, on an intact chain.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class LedgerOutageTest {
  private static final int LEDGER_PORT = freePort();
  private static final Path LEDGER_DIR = tempDir();
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(
      ConfigOverride.config("ledger.embeddedPort", Integer.toString(LEDGER_PORT)),
      ConfigOverride.config("ledger.embeddedDirectory", LEDGER_DIR.toString()));
  private static EmbeddedPostgres restarted;

  @Test
  void aRequestRunsItsWholeLifeWhileTheDatabaseIsDownAndItsRowsArriveInOrderAfterwards() throws Exception {
    Http http = new Http(APP.getLocalPort());
    Http admin = new Http(APP.getAdminPort());
    String id = http.post("/v1/requests", """
        {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT10S","reason":"outage"}""")
        .text("requestId");
    http.awaitTrail(id, "\"kind\":\"SUBMITTED\"", Duration.ofSeconds(20));

    APP.<AccessflowApplication>getApplication().ledgerDatabase().embeddedServer().close();
    long downAt = System.nanoTime();

    Http.Reply health = admin.get("/healthcheck");
    assertThat(health.status()).isEqualTo(500);
    assertThat(health.body().path("ledger").path("healthy").asBoolean()).isFalse();

    long decisionStarted = System.nanoTime();
    Http.Reply approved = http.post("/v1/requests/" + id + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\",\"comment\":\"ok\"}");
    long decisionMs = (System.nanoTime() - decisionStarted) / 1_000_000;
    assertThat(approved.status()).isEqualTo(200);
    assertThat(approved.text("status")).isEqualTo("APPROVED");
    http.awaitStatus(id, "ACTIVE", Duration.ofSeconds(30));
    assertThat(http.get("/v1/sandbox/memberships").body().path("sandbox-readers").toString())
        .isEqualTo("[\"dana@example.com\"]");

    // Intake still works: the approved-before rule cannot be read, so people decide.
    Http.Reply second = http.post("/v1/requests", """
        {"requester":"ed@example.com","app":"grafana","role":"viewer","duration":"PT24H","reason":"outage"}""");
    assertThat(second.status()).isEqualTo(201);
    assertThat(http.awaitStatus(second.text("requestId"), "PENDING_APPROVAL", Duration.ofSeconds(30))
        .text("status")).isEqualTo("PENDING_APPROVAL");

    // What only the ledger knows answers 503 with a reason, not a 500.
    for (String onlyTheLedgerKnows : List.of("/v1/requests", "/v1/audit/events", "/v1/access?user=dana@example.com",
        "/v1/requests/REQ-GONE0000")) {
      Http.Reply refused = http.get(onlyTheLedgerKnows);
      assertThat(refused.status()).as(onlyTheLedgerKnows).isEqualTo(503);
      assertThat(refused.text("message")).as(onlyTheLedgerKnows).contains("ledger").contains("retry");
    }

    http.awaitStatus(id, "EXPIRED", Duration.ofSeconds(60));
    assertThat(http.get("/v1/sandbox/memberships").body().path("sandbox-readers").toString()).isEqualTo("[]");
    long outageMs = (System.nanoTime() - downAt) / 1_000_000;

    restarted = EmbeddedPostgres.builder().setPort(LEDGER_PORT).setDataDirectory(LEDGER_DIR)
        .setCleanDataDirectory(false).start();
    long upAt = System.nanoTime();

    String trail = http.awaitTrail(id, "\"kind\":\"REVOKED\"", Duration.ofSeconds(60));
    long caughtUpMs = (System.nanoTime() - upAt) / 1_000_000;
    List<JsonNode> rows = Http.jsonLines(trail);
    assertThat(rows).extracting(r -> r.path("kind").asText())
        .containsExactly("SUBMITTED", "DECISION", "APPROVED", "PROVISIONED", "EXPIRY_SCHEDULED", "REVOKED");
    assertThat(rows).extracting(r -> r.path("sequence").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(rows).extracting(r -> r.path("position").asLong()).isSorted();
    http.awaitTrail(second.text("requestId"), "\"kind\":\"SUBMITTED\"", Duration.ofSeconds(30));

    String chain = http.getText("/v1/audit/events");
    AuditVerifier.Result verified = new AuditVerifier().verify(new StringReader(chain), false);
    assertThat(verified.ok()).as(verified.problem()).isTrue();
    assertThat(admin.get("/healthcheck").body().path("ledger").path("healthy").asBoolean()).isTrue();
    JsonNode listed = http.get("/v1/requests?requester=dana@example.com&limit=1").body().path("requests").get(0);
    assertThat(listed.path("requestId").asText()).isEqualTo(id);
    assertThat(listed.path("status").asText()).isEqualTo("EXPIRED");

    System.out.printf("ledger outage: %d ms down (approve, grant, expiry, removal inside it), decision %d ms during it,"
        + " all %d rows of the request in the ledger %d ms after the restart%n", outageMs, decisionMs, rows.size(), caughtUpMs);
  }

  @AfterAll
  static void stopTheRestartedServer() throws IOException {
    if (restarted != null) {
      try {
        restarted.close();
      } catch (IOException alreadyStopped) {
        // the application's own close stops the server of the same data directory first
      }
    }
    try (Stream<Path> files = Files.walk(LEDGER_DIR)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("accessflow-ledger-outage");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
