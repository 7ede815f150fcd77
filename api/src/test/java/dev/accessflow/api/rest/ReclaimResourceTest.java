package dev.accessflow.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.api.ReclaimKeeps;
import dev.accessflow.api.ReclaimWorkflows;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.ledger.ReclaimRules;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.InventoryGroup;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The reclaim endpoints under Dropwizard's ResourceExtension over an embedded ledger: who may start
 * a scan, who sees which findings, who may keep what, and that a refusal writes nothing.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReclaimResourceTest {
  private static final String TOKEN = "reclaim-integration-token-0123456789";
  private static final String OMAR = "omar-personal-token-0123456789";
  private static final String DANA = "dana-personal-token-0123456789";
  private static final LedgerDatabase LEDGER = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests());
  private static final Catalog CATALOG = catalog();
  private static final ReclaimLedger RECLAIM = new ReclaimLedger(LEDGER.jdbi(), Clock.systemUTC());
  private static final List<String> NUDGES = new CopyOnWriteArrayList<>();
  /** Stands in for Temporal: stores the run and judges the app's memberships as its activities would. */
  private static final ReclaimWorkflows WORKFLOWS = new ReclaimWorkflows() {
    @Override
    public boolean start(ReclaimLedger.Run run) {
      if (!RECLAIM.createRun(run)) {
        return false;
      }
      var policy = CATALOG.app(run.app()).orElseThrow().reclaim();
      List<ReclaimLedger.NewItem> items = new ArrayList<>();
      List<ReviewLedger.Candidate> page = RECLAIM.candidates(run.app(), null, 100);
      for (ReviewLedger.Candidate c : page) {
        if (new ReclaimRules().judge(c, null, null, policy, false, Instant.now()) instanceof ReclaimRules.Finding f) {
          items.add(new ReclaimLedger.NewItem(c, policy, f));
        }
      }
      RECLAIM.addItems(run.runId(), items, null);
      return true;
    }

    @Override
    public void nudge(String runId) {
      NUDGES.add(runId);
    }
  };

  static final ResourceExtension RESOURCES = ResourceExtension.builder()
      .addResource(BearerTokenFilter.of(List.of(new ApiToken("integration", TOKEN, true),
          new ApiToken("omar@example.com", OMAR, false), new ApiToken("dana@example.com", DANA, false))))
      .addResource(new AuthValueFactoryProvider.Binder<>(Caller.class))
      .addResource(new ApiErrorMappers.Problems())
      .addResource(new ApiErrorMappers.BadJson())
      .addResource(new ReclaimResource(CATALOG, RECLAIM, WORKFLOWS, new ReclaimKeeps(CATALOG, RECLAIM, WORKFLOWS),
          Clock.systemUTC()))
      .build();

  private static Catalog catalog() {
    try {
      String yaml = Files.readString(Path.of("../config/catalog.yml"));
      String anchor = "    owners: [omar@example.com]\n    roles:\n      viewer:";
      return CatalogFile.parse(Path.of("catalog.yml"), yaml.replace(anchor,
          "    owners: [omar@example.com]\n    reclaim: {inactiveAfter: P90D, mode: enforce}\n    roles:\n      viewer:"));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void seed() {
    // Both have been admins for half a year and last signed in to the IdP 200 days ago.
    Instant longAgo = Instant.now().minus(Duration.ofDays(180));
    InventoryLedger inventory = new InventoryLedger(LEDGER.jdbi(), Clock.fixed(longAgo, java.time.ZoneOffset.UTC));
    InventoryGroup group = new InventoryGroup("grafana-admins", "grafana", "admin", "report", 0);
    inventory.recordPage("s1", group, List.of(member("dana@example.com"), member("ed@example.com")), longAgo,
        InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup("s1", group);
  }

  @AfterAll
  static void close() {
    LEDGER.close();
  }

  private static DirectoryMember member(String login) {
    return new DirectoryMember("00u-" + login, login, login, "ACTIVE", Instant.now().minus(Duration.ofDays(200)),
        "engineering", null, null);
  }

  private static Response post(String path, String token, String body) {
    return RESOURCES.target(path).request().header("Authorization", "Bearer " + token).post(Entity.json(body));
  }

  private static Response get(String path, String token, String... query) {
    var target = RESOURCES.target(path);
    for (int i = 0; i < query.length; i += 2) {
      target = target.queryParam(query[i], query[i + 1]);
    }
    return target.request().header("Authorization", "Bearer " + token).get();
  }

  private static String message(Response r) {
    return r.readEntity(JsonNode.class).path("message").asText();
  }

  /** One run of grafana, started by its owner; the ids of dana's and ed's items. */
  private static synchronized long[] run() {
    List<ReclaimLedger.Item> open = RECLAIM.items(new ReclaimLedger.ItemFilter(null, "grafana", null, null), 0, 10);
    if (open.isEmpty()) {
      Response started = post("/v1/reclaim/run", OMAR, "{\"app\":\"grafana\"}");
      assertThat(started.getStatus()).isEqualTo(202);
      open = RECLAIM.items(new ReclaimLedger.ItemFilter(null, "grafana", null, null), 0, 10);
    }
    long dana = open.stream().filter(i -> i.login().equals("dana@example.com")).findFirst().orElseThrow().itemId();
    long ed = open.stream().filter(i -> i.login().equals("ed@example.com")).findFirst().orElseThrow().itemId();
    return new long[] {dana, ed};
  }

  @Test
  void onlyAnOwnerOrAnIntegrationStartsAScanAndEveryRefusalNamesWhyAndStoresNothing() {
    int before = RECLAIM.runs(null, 100).size();
    Response dana = post("/v1/reclaim/run", DANA, "{\"app\":\"grafana\"}");
    assertThat(dana.getStatus()).isEqualTo(403);
    assertThat(message(dana)).isEqualTo("only an owner of grafana or a trusted integration may start a reclaim scan of it");
    Response noPolicy = post("/v1/reclaim/run", TOKEN, "{\"app\":\"figma\"}");
    assertThat(noPolicy.getStatus()).isEqualTo(409);
    assertThat(message(noPolicy)).startsWith("no-reclaim-policy: the catalog gives figma no reclaim: policy");
    assertThat(post("/v1/reclaim/run", TOKEN, "{\"app\":\"nope\"}").getStatus()).isEqualTo(404);
    assertThat(post("/v1/reclaim/run", TOKEN, "{}").getStatus()).isEqualTo(422);
    assertThat(post("/v1/reclaim/run", TOKEN, "{\"app\":").getStatus()).isBetween(400, 422);
    assertThat(RECLAIM.runs(null, 100)).hasSize(before);

    run();
    JsonNode runs = get("/v1/reclaim/runs", OMAR).readEntity(JsonNode.class).path("runs");
    assertThat(runs.size()).isGreaterThanOrEqualTo(1);
    assertThat(runs.get(0).path("startedBy").asText()).isEqualTo("omar@example.com");
    assertThat(runs.get(0).path("workflowId").asText()).startsWith("access-reclaim-grafana-");
    assertThat(runs.get(0).path("counts").path("items").asInt()).isEqualTo(2); // warned, or kept by another test
    // A person who owns nothing sees no runs.
    assertThat(get("/v1/reclaim/runs", DANA).readEntity(JsonNode.class).path("runs").size()).isZero();
  }

  @Test
  void aPersonSeesTheirOwnFindingsOnlyAndAnOwnerSeesTheApps() {
    run();
    JsonNode mine = get("/v1/reclaim", DANA, "app", "grafana").readEntity(JsonNode.class).path("items");
    assertThat(mine.size()).isEqualTo(1);
    assertThat(mine.get(0).path("login").asText()).isEqualTo("dana@example.com");
    assertThat(mine.get(0).path("signal").asText()).isEqualTo("idp-last-login");
    assertThat(get("/v1/reclaim", DANA, "login", "ed@example.com").readEntity(JsonNode.class).path("items").size())
        .isEqualTo(1); // still her own: the login filter is the owner's
    assertThat(get("/v1/reclaim", OMAR, "app", "grafana").readEntity(JsonNode.class).path("items").size())
        .isGreaterThanOrEqualTo(2);
    assertThat(get("/v1/reclaim", TOKEN, "login", "ed@example.com").readEntity(JsonNode.class).path("items").get(0)
        .path("login").asText()).isEqualTo("ed@example.com");
    Response badState = get("/v1/reclaim", OMAR, "state", "deleted");
    assertThat(badState.getStatus()).isEqualTo(422);
    assertThat(message(badState)).contains("warned, keep-requested");
    assertThat(get("/v1/reclaim", OMAR, "cursor", "abc").getStatus()).isEqualTo(422);
    assertThat(get("/v1/reclaim", OMAR, "run", "no-such-run").getStatus()).isEqualTo(404);
  }

  @Test
  void aKeepIsTheMembersOrAnOwnersWithAReasonAndIsRecordedOnce() {
    long[] items = run();
    Response notHers = post("/v1/reclaim/items/" + items[1] + "/keep", DANA, "{\"reason\":\"I need his\"}");
    assertThat(notHers.getStatus()).isEqualTo(403);
    assertThat(message(notHers)).startsWith("not-member-or-owner: dana@example.com is neither ed@example.com");
    Response asEd = post("/v1/reclaim/items/" + items[1] + "/keep", DANA, "{\"reason\":\"x\",\"actor\":\"ed@example.com\"}");
    assertThat(asEd.getStatus()).isEqualTo(403);
    assertThat(post("/v1/reclaim/items/" + items[0] + "/keep", DANA, "{}").getStatus()).isEqualTo(422);
    assertThat(post("/v1/reclaim/items/" + items[0] + "/keep", DANA, "{\"reason\":\"" + "x".repeat(1_001) + "\"}")
        .getStatus()).isEqualTo(422);
    assertThat(post("/v1/reclaim/items/abc/keep", DANA, "{\"reason\":\"x\"}").getStatus()).isEqualTo(422);
    assertThat(post("/v1/reclaim/items/999999/keep", DANA, "{\"reason\":\"x\"}").getStatus()).isEqualTo(404);
    assertThat(RECLAIM.item(items[0]).orElseThrow().state()).isEqualTo(ReclaimRules.WARNED);
    int nudges = NUDGES.size();

    Response kept = post("/v1/reclaim/items/" + items[0] + "/keep", DANA, "{\"reason\":\"month-end close\"}");
    assertThat(kept.getStatus()).isEqualTo(200);
    JsonNode item = kept.readEntity(JsonNode.class);
    assertThat(item.path("state").asText()).isEqualTo("kept");
    assertThat(item.path("decidedBy").asText()).isEqualTo("dana@example.com");
    assertThat(item.path("decidedVia").asText()).isEqualTo("REST");
    assertThat(NUDGES).hasSize(nudges + 1);
    Response again = post("/v1/reclaim/items/" + items[0] + "/keep", DANA, "{\"reason\":\"again\"}");
    assertThat(again.getStatus()).isEqualTo(409);
    assertThat(message(again)).startsWith("not-in-grace");
    // The owner may keep someone else's access.
    assertThat(post("/v1/reclaim/items/" + items[1] + "/keep", OMAR, "{\"reason\":\"ed covers on-call\"}").getStatus())
        .isEqualTo(200);
  }
}
