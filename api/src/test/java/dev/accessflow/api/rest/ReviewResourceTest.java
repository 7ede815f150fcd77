package dev.accessflow.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.api.ReviewDecisions;
import dev.accessflow.api.ReviewWorkflows;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.ledger.ReviewRecommendations;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.ReviewRun;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.core.Response;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The review endpoints under Dropwizard's ResourceExtension over an embedded ledger: who may start a
 * campaign, who sees which items, who may export, and that a refused start leaves nothing behind.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReviewResourceTest {
  private static final String TOKEN = "review-integration-token-0123456789";
  private static final String OMAR = "omar-personal-token-0123456789";
  private static final String DANA = "dana-personal-token-0123456789";
  private static final LedgerDatabase LEDGER = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests());
  private static final Catalog CATALOG = CatalogFile.load(Path.of("../config/catalog.yml"));
  private static final ReviewLedger REVIEWS = new ReviewLedger(LEDGER.jdbi(), Clock.systemUTC());
  private static final List<String> NUDGES = new CopyOnWriteArrayList<>();
  /** Stands in for Temporal: stores the campaign and opens its items as the workflow's activities would. */
  private static final ReviewWorkflows WORKFLOWS = new ReviewWorkflows() {
    @Override
    public boolean start(ReviewLedger.Campaign campaign, ReviewRun run) {
      if (!REVIEWS.create(campaign)) {
        return false;
      }
      var rules = new ReviewRecommendations(Duration.ofDays(90));
      List<ReviewLedger.NewItem> items = new ArrayList<>();
      var page = REVIEWS.candidates(campaign.reviewId(), 100);
      page.forEach(c -> items.add(new ReviewLedger.NewItem(c, rules.recommend(c.facts(), Clock.systemUTC().instant()),
          List.of("omar@example.com"), null)));
      REVIEWS.addItems(campaign.reviewId(), items, page.isEmpty() ? null : ReviewLedger.cursorAfter(page.get(page.size() - 1)));
      REVIEWS.opened(campaign.reviewId());
      return true;
    }

    @Override
    public void decided(String reviewId, List<String> reviewers) {
      NUDGES.add(reviewId + " " + reviewers);
    }
  };

  static final ResourceExtension RESOURCES = ResourceExtension.builder()
      .addResource(BearerTokenFilter.of(List.of(new ApiToken("integration", TOKEN, true),
          new ApiToken("omar@example.com", OMAR, false), new ApiToken("dana@example.com", DANA, false))))
      .addResource(new AuthValueFactoryProvider.Binder<>(Caller.class))
      .addResource(new ApiErrorMappers.Problems())
      .addResource(new ApiErrorMappers.BadJson())
      .addResource(new ReviewResource(CATALOG, REVIEWS, WORKFLOWS, new ReviewDecisions(REVIEWS, WORKFLOWS),
          Clock.systemUTC()))
      .build();

  @BeforeAll
  static void seed() {
    InventoryLedger inventory = new InventoryLedger(LEDGER.jdbi(), Clock.systemUTC());
    InventoryGroup group = new InventoryGroup("grafana-admins", "grafana", "admin", "report", 0);
    inventory.recordPage("s1", group, List.of(member("dana@example.com"), member("ed@example.com")),
        Clock.systemUTC().instant(), InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup("s1", group);
  }

  @AfterAll
  static void close() {
    LEDGER.close();
  }

  private static DirectoryMember member(String login) {
    return new DirectoryMember("00u-" + login, login, login, "ACTIVE", null, "engineering", null, null);
  }

  private static Response post(String path, String token, String body) {
    return RESOURCES.target(path).request().header("Authorization", "Bearer " + token).post(Entity.json(body));
  }

  /** A GET of {@code path}, whose query ("?a=1&b=2") is passed as query parameters. */
  private static Response get(String path, String token) {
    String[] parts = path.split("\\?", 2);
    var target = RESOURCES.target(parts[0]);
    if (parts.length == 2) {
      for (String pair : parts[1].split("&")) {
        String[] kv = pair.split("=", 2);
        target = target.queryParam(kv[0], kv[1]);
      }
    }
    return target.request().header("Authorization", "Bearer " + token).get();
  }

  private static final String GRAFANA_REVIEW = """
      {"name":"Grafana admins","scope":{"roles":["grafana/admin"]},"reviewers":"owners","dueIn":"P14D","unreviewed":"keep"}""";

  @Test
  void onlyAnOwnerOfEveryAppInScopeOrAnIntegrationStartsACampaignAndARefusalLeavesNothing() {
    int before = REVIEWS.campaigns(100).size();
    Response dana = post("/v1/reviews", DANA, GRAFANA_REVIEW);
    assertThat(dana.getStatus()).isEqualTo(403);
    assertThat(dana.readEntity(JsonNode.class).path("message").asText())
        .isEqualTo("only an owner of grafana or a trusted integration may start a review of it");
    assertThat(REVIEWS.campaigns(100)).hasSize(before);
    Response asSomeoneElse = post("/v1/reviews", OMAR, GRAFANA_REVIEW.replace("}\n", "").replace("\"keep\"}",
        "\"keep\",\"startedBy\":\"maria@example.com\"}"));
    assertThat(asSomeoneElse.getStatus()).isEqualTo(403);
    assertThat(REVIEWS.campaigns(100)).hasSize(before);

    Response omar = post("/v1/reviews", OMAR, GRAFANA_REVIEW);
    assertThat(omar.getStatus()).isEqualTo(201);
    JsonNode started = omar.readEntity(JsonNode.class);
    assertThat(started.path("startedBy").asText()).isEqualTo("omar@example.com");
    assertThat(started.path("escalateTo").toString()).isEqualTo("[\"omar@example.com\"]");
    assertThat(omar.getHeaderString("Location")).endsWith("/v1/reviews/" + started.path("reviewId").asText());
  }

  @Test
  void aReviewerSeesTheirOwnItemsOnlyAndTheExportIsForTheCampaignsOwners() {
    String id = post("/v1/reviews", TOKEN, GRAFANA_REVIEW.replace("\"keep\"}", "\"keep\",\"startedBy\":\"sam@example.com\"}"))
        .readEntity(JsonNode.class).path("reviewId").asText();
    JsonNode all = get("/v1/reviews/" + id, OMAR).readEntity(JsonNode.class);
    assertThat(all.path("items").size()).isEqualTo(2);
    // Dana reviews nothing here: she sees the campaign, none of its items, and cannot export it.
    JsonNode hers = get("/v1/reviews/" + id + "?reviewer=omar@example.com", DANA).readEntity(JsonNode.class);
    assertThat(hers.path("items").size()).isZero();
    assertThat(get("/v1/reviews/" + id + "/export?format=csv", DANA).getStatus()).isEqualTo(403);
    assertThat(get("/v1/reviews/" + id + "/export?format=csv", OMAR).getStatus()).isEqualTo(200);
    // Nor may her token decide as omar.
    long item = all.path("items").get(0).path("itemId").asLong();
    Response asOmar = post("/v1/reviews/" + id + "/items/" + item + "/decision", DANA,
        "{\"decision\":\"keep\",\"reviewer\":\"omar@example.com\"}");
    assertThat(asOmar.getStatus()).isEqualTo(403);
    assertThat(REVIEWS.item(id, item).orElseThrow().pending()).isTrue();
    // Omar's own token decides as omar, and the campaign is nudged once.
    Response kept = post("/v1/reviews/" + id + "/items/" + item + "/decision", OMAR, "{\"decision\":\"keep\"}");
    assertThat(kept.getStatus()).isEqualTo(200);
    assertThat(NUDGES).contains(id + " [omar@example.com]");
  }

  @Test
  void malformedBodiesAreRefusedNamingTheField() {
    Response reviewers = post("/v1/reviews", TOKEN, GRAFANA_REVIEW.replace("\"owners\"", "5"));
    assertThat(reviewers.getStatus()).isEqualTo(422);
    assertThat(reviewers.readEntity(JsonNode.class).path("field").asText()).isEqualTo("reviewers");
    Response role = post("/v1/reviews", TOKEN, GRAFANA_REVIEW.replace("grafana/admin", "grafana"));
    assertThat(role.readEntity(JsonNode.class).path("field").asText()).isEqualTo("scope.roles");
    Response due = post("/v1/reviews", TOKEN, GRAFANA_REVIEW.replace("P14D", "P365D"));
    assertThat(due.readEntity(JsonNode.class).path("message").asText()).contains("between PT1H and P90D");
    Response bulk = post("/v1/reviews/none/decisions", TOKEN, "{\"decision\":\"revoke\",\"recommended\":true}");
    assertThat(bulk.getStatus()).isEqualTo(422);
    assertThat(get("/v1/reviews/no-such-review", TOKEN).getStatus()).isEqualTo(404);
    assertThat(get("/v1/reviews/..%2F..", TOKEN).getStatus()).isEqualTo(404);
  }
}
