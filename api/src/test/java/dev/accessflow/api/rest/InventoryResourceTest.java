package dev.accessflow.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.api.InventorySignals;
import dev.accessflow.ledger.DriftFindings;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.InventoryQueries;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.MembershipChange;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The inventory and drift endpoints under Dropwizard's ResourceExtension over an embedded ledger: who may read and do what. */
@ExtendWith(DropwizardExtensionsSupport.class)
class InventoryResourceTest {
  private static final String TOKEN = "inventory-integration-token-0123456789";
  private static final String DANA = "dana-personal-token-0123456789";
  private static final LedgerDatabase LEDGER = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests());
  private static final List<String> SIGNALS = new CopyOnWriteArrayList<>();
  private static final InventorySignals INVENTORY = new InventorySignals() {
    @Override
    public void syncNow(String requestedBy) {
      SIGNALS.add("sync by " + requestedBy);
    }

    @Override
    public void changed(List<MembershipChange> changes) {
      changes.forEach(change -> SIGNALS.add("changed " + change.eventId()));
    }

    @Override
    public void sweep() {
      SIGNALS.add("sweep");
    }
  };
  private static final DriftFindings DRIFT = new DriftFindings(LEDGER.jdbi(), Clock.systemUTC());

  static final ResourceExtension RESOURCES = ResourceExtension.builder()
      .addResource(BearerTokenFilter.of(List.of(new ApiToken("integration", TOKEN, true),
          new ApiToken("dana@example.com", DANA, false))))
      .addResource(new AuthValueFactoryProvider.Binder<>(Caller.class))
      .addResource(new ApiErrorMappers.Problems())
      .addResource(new InventoryResource(new InventoryQueries(LEDGER.jdbi()), DRIFT, INVENTORY))
      .build();

  @BeforeAll
  static void seed() {
    InventoryLedger inventory = new InventoryLedger(LEDGER.jdbi(), Clock.systemUTC());
    InventoryGroup group = new InventoryGroup("00gADMINS", "grafana", "admin", "report", 0);
    inventory.recordPage("s1", group, List.of(), Clock.systemUTC().instant(), InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup("s1", group);
    inventory.recordPage("s2", group, List.of(member("dana@example.com"), member("ed@example.com"),
        member("bob@example.com")), Clock.systemUTC().instant(), InventoryLedger.LeaseLookup.NONE);
  }

  @AfterAll
  static void close() {
    LEDGER.close();
  }

  private static DirectoryMember member(String login) {
    return new DirectoryMember("00u-" + login, login, login, "ACTIVE", null, "engineering", null, null);
  }

  /** A GET of {@code path}, whose query ("?a=1&b=2") is passed as query parameters. */
  private static JsonNode get(String path, String token) {
    String[] parts = path.split("\\?", 2);
    var target = RESOURCES.target(parts[0]);
    if (parts.length == 2) {
      for (String pair : parts[1].split("&")) {
        String[] kv = pair.split("=", 2);
        target = target.queryParam(kv[0], kv[1]);
      }
    }
    return target.request().header("Authorization", "Bearer " + token).get(JsonNode.class);
  }

  private static Response call(String path, String token, String body) {
    return RESOURCES.target(path).request().header("Authorization", "Bearer " + token).post(Entity.json(body));
  }

  private static long findingOf(String login) {
    return DRIFT.list(new DriftFindings.Filter(true, null, null, null, login, null), null, 1).get(0).findingId();
  }

  @Test
  void aPersonsOwnTokenReadsOnlyTheirOwnMembershipsAndFindings() {
    JsonNode own = get("/v1/inventory", DANA);

    assertThat(own.path("items")).extracting(i -> i.path("login").asText()).containsExactly("dana@example.com");
    Response others = RESOURCES.target("/v1/inventory").queryParam("user", "ed@example.com").request()
        .header("Authorization", "Bearer " + DANA).get();
    assertThat(others.getStatus()).isEqualTo(403);
    Response edsFinding = RESOURCES.target("/v1/drift/" + findingOf("ed@example.com")).request()
        .header("Authorization", "Bearer " + DANA).get();
    assertThat(edsFinding.getStatus()).isEqualTo(403);
    assertThat(get("/v1/drift/" + findingOf("dana@example.com"), DANA).path("login").asText())
        .isEqualTo("dana@example.com");
  }

  @Test
  void syncsGroupsAndResolutionsTakeAnIntegrationsToken() {
    assertThat(call("/v1/inventory/sync", DANA, "{}").getStatus()).isEqualTo(403);
    assertThat(RESOURCES.target("/v1/inventory/groups").request().header("Authorization", "Bearer " + DANA).get()
        .getStatus()).isEqualTo(403);
    Response resolve = call("/v1/drift/" + findingOf("bob@example.com") + "/resolution", DANA,
        "{\"action\":\"adopt\",\"reason\":\"fine\"}");
    assertThat(resolve.getStatus()).isEqualTo(403);
    assertThat(DRIFT.finding(findingOf("bob@example.com")).orElseThrow().state()).isEqualTo("open");

    Response sync = call("/v1/inventory/sync", TOKEN, "{}");
    assertThat(sync.getStatus()).isEqualTo(202);
    assertThat(SIGNALS).contains("sync by integration");
  }

  @Test
  void aRemovalAskedForIsRecordedWithItsActorAndWakesTheInventory() {
    long bob = findingOf("bob@example.com");

    Response asked = call("/v1/drift/" + bob + "/resolution", TOKEN,
        "{\"action\":\"remove\",\"actor\":\"sam@example.com\",\"reason\":\"left the team\"}");

    assertThat(asked.getStatus()).isEqualTo(200);
    JsonNode finding = asked.readEntity(JsonNode.class);
    assertThat(finding.path("removalRequestedBy").asText()).isEqualTo("sam@example.com");
    assertThat(finding.path("removalReason").asText()).isEqualTo("left the team");
    assertThat(finding.path("state").asText()).isEqualTo("open");
    assertThat(SIGNALS).contains("sweep");
  }

  @Test
  void pagesFollowTheCursor() {
    JsonNode first = get("/v1/inventory?limit=2", TOKEN);
    JsonNode second = get("/v1/inventory?limit=2&cursor=" + first.path("next").asText(), TOKEN);

    assertThat(first.path("items")).extracting(i -> i.path("login").asText())
        .containsExactly("bob@example.com", "dana@example.com");
    assertThat(second.path("items")).extracting(i -> i.path("login").asText()).containsExactly("ed@example.com");
    assertThat(second.path("next").isNull()).isTrue();
    JsonNode findings = get("/v1/drift?open=true&limit=1", TOKEN);
    assertThat(findings.path("items").size()).isEqualTo(1);
    assertThat(findings.path("next").asText()).isNotEmpty();
  }
}
