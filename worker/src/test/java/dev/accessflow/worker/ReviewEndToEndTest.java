package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An access review in the real process on the embedded default, over the sandbox IdP: a campaign
 * opened from the inventory, decisions through REST with every refusal named, a revocation carried
 * out in the IdP, the bulk keep, the campaign closing once all is decided, and the export.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReviewEndToEndTest {
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded();

  @BeforeEach
  void firstSyncDone() {
    new Http(APP.getLocalPort()).await("/v1/inventory/groups",
        r -> !r.body().path("lastSync").isNull() && !r.body().path("lastSync").isMissingNode()
            && !r.body().path("lastSync").path("finishedAt").isNull(), Duration.ofSeconds(30));
  }

  private static void add(Http http, String group, String login) {
    assertThat(http.post("/v1/sandbox/memberships", "{\"group\":\"" + group + "\",\"login\":\"" + login
        + "\",\"action\":\"add\"}").status()).isEqualTo(200);
  }

  private static Map<String, JsonNode> itemsByLogin(JsonNode review) {
    Map<String, JsonNode> items = new HashMap<>();
    review.path("items").forEach(i -> items.put(i.path("login").asText(), i));
    return items;
  }

  @Test
  void underTheManagerRuleEachMembersManagerReviewsAndSomeoneWithoutOneGoesToTheOwners() {
    Http http = new Http(APP.getLocalPort());
    add(http, "figma-editors", "dana@example.com");
    add(http, "figma-editors", "omar@example.com");
    http.await("/v1/inventory?group=figma-editors", r -> r.body().path("items").size() == 2, Duration.ofSeconds(20));
    String id = http.post("/v1/reviews", """
        {"name":"Figma editors","scope":{"apps":["figma"]},"reviewers":"manager","dueIn":"P7D","unreviewed":"escalate",
         "startedBy":"maria@example.com"}""").text("reviewId");
    JsonNode review = http.await("/v1/reviews/" + id, r -> r.text("state").equals("open"), Duration.ofSeconds(30)).body();
    Map<String, JsonNode> items = itemsByLogin(review);
    // dana's manager is maria (the sandbox profile); omar has none: the app's owner, maria, reviews him.
    assertThat(items.get("dana@example.com").path("reviewers").toString()).isEqualTo("[\"maria@example.com\"]");
    assertThat(items.get("omar@example.com").path("reviewers").toString()).isEqualTo("[\"maria@example.com\"]");
    assertThat(items.get("omar@example.com").path("reviewersNote").asText())
        .isEqualTo("no manager on record for omar@example.com: the app's owners review it");
    assertThat(review.path("escalateTo").toString()).isEqualTo("[\"maria@example.com\"]");
  }

  @Test
  void anOwnerReviewsAnAppInRestTheRevokeHappensInTheIdpAndTheExportAnswersAnAuditor() {
    Http http = new Http(APP.getLocalPort());
    add(http, "grafana-admins", "ed@example.com");
    add(http, "grafana-admins", "bea@example.com");
    add(http, "grafana-admins", "omar@example.com");
    http.await("/v1/inventory?group=grafana-admins", r -> r.body().path("items").size() == 3, Duration.ofSeconds(20));
    // Security adopts bea's membership as standing access: the review recommends keeping it.
    String beaFinding = http.await("/v1/drift?open=true&group=grafana-admins&user=bea@example.com",
        r -> r.body().path("items").size() == 1, Duration.ofSeconds(20)).body().path("items").get(0).path("findingId")
        .asText();
    assertThat(http.post("/v1/drift/" + beaFinding + "/resolution", """
        {"action":"adopt","actor":"sam@example.com","reason":"finance reads the dashboards"}""").status())
        .isEqualTo(200);

    // Refusals name what was wrong and start nothing.
    int campaigns = http.get("/v1/reviews").body().path("reviews").size();
    Http.Reply unknownApp = http.post("/v1/reviews", """
        {"name":"Q1","scope":{"apps":["nope"]},"reviewers":"owners","dueIn":"P14D","unreviewed":"keep"}""");
    assertThat(unknownApp.status()).isEqualTo(422);
    assertThat(unknownApp.text("field")).isEqualTo("scope.apps");
    Http.Reply badDue = http.post("/v1/reviews", """
        {"name":"Q1","scope":{"roles":["grafana/admin"]},"reviewers":"owners","dueIn":"two weeks","unreviewed":"keep"}""");
    assertThat(badDue.status()).isEqualTo(422);
    assertThat(badDue.text("field")).isEqualTo("dueIn");
    Http.Reply badRule = http.post("/v1/reviews", """
        {"name":"Q1","scope":{"roles":["grafana/admin"]},"reviewers":"owners","dueIn":"P14D","unreviewed":"maybe"}""");
    assertThat(badRule.text("field")).isEqualTo("unreviewed");
    Http.Reply badReviewers = http.post("/v1/reviews", """
        {"name":"Q1","scope":{"roles":["grafana/admin"]},"reviewers":["not a login"],"dueIn":"P14D","unreviewed":"keep"}""");
    assertThat(badReviewers.text("field")).isEqualTo("reviewers");
    assertThat(http.get("/v1/reviews").body().path("reviews").size()).isEqualTo(campaigns);

    Http.Reply started = http.postWithKey("/v1/reviews", """
        {"name":"Grafana admins Q1","scope":{"roles":["grafana/admin"]},"reviewers":"owners","dueIn":"P14D",
         "unreviewed":"keep","escalateTo":["sam@example.com"],"startedBy":"omar@example.com"}""", "grafana-q1");
    assertThat(started.status()).isEqualTo(201);
    String id = started.text("reviewId");
    // The same Idempotency-Key names the same campaign: no second one.
    Http.Reply retried = http.postWithKey("/v1/reviews", """
        {"name":"Grafana admins Q1","scope":{"roles":["grafana/admin"]},"reviewers":"owners","dueIn":"P14D",
         "unreviewed":"keep","escalateTo":["sam@example.com"],"startedBy":"omar@example.com"}""", "grafana-q1");
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.text("reviewId")).isEqualTo(id);

    JsonNode review = http.await("/v1/reviews/" + id, r -> r.text("state").equals("open"), Duration.ofSeconds(30)).body();
    assertThat(review.path("counts").path("items").asInt()).isEqualTo(3);
    Map<String, JsonNode> items = itemsByLogin(review);
    JsonNode ed = items.get("ed@example.com");
    assertThat(ed.path("source").asText()).isEqualTo("out-of-band");
    assertThat(ed.path("recommendation").asText()).isEqualTo("revoke");
    assertThat(ed.path("recommendationReason").asText()).contains("outside accessflow");
    assertThat(ed.path("department").asText()).isEqualTo("sales");
    assertThat(ed.path("reviewers").toString()).isEqualTo("[\"omar@example.com\"]");
    assertThat(items.get("bea@example.com").path("recommendation").asText()).isEqualTo("keep");
    JsonNode omar = items.get("omar@example.com");
    assertThat(omar.path("reviewers").toString()).isEqualTo("[\"sam@example.com\"]");
    assertThat(omar.path("reviewersNote").asText()).startsWith("no-self-certification");
    String edItem = ed.path("itemId").asText();
    String omarItem = omar.path("itemId").asText();

    Http.Reply noComment = http.post("/v1/reviews/" + id + "/items/" + edItem + "/decision", """
        {"decision":"revoke","reviewer":"omar@example.com"}""");
    assertThat(noComment.status()).isEqualTo(422);
    assertThat(noComment.text("field")).isEqualTo("comment");
    Http.Reply self = http.post("/v1/reviews/" + id + "/items/" + omarItem + "/decision", """
        {"decision":"keep","reviewer":"omar@example.com"}""");
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.text("message")).startsWith("no-self-certification");
    Http.Reply stranger = http.post("/v1/reviews/" + id + "/items/" + edItem + "/decision", """
        {"decision":"keep","reviewer":"maria@example.com"}""");
    assertThat(stranger.status()).isEqualTo(403);
    assertThat(stranger.text("message")).startsWith("not-a-reviewer");
    assertThat(http.post("/v1/reviews/" + id + "/items/999999/decision", """
        {"decision":"keep","reviewer":"omar@example.com"}""").status()).isEqualTo(404);
    assertThat(http.post("/v1/reviews/" + id + "/items/x/decision", """
        {"decision":"keep","reviewer":"omar@example.com"}""").status()).isEqualTo(422);

    Http.Reply revoked = http.post("/v1/reviews/" + id + "/items/" + edItem + "/decision", """
        {"decision":"revoke","comment":"sales has no business in grafana admin","reviewer":"omar@example.com"}""");
    assertThat(revoked.status()).isEqualTo(200);
    assertThat(revoked.text("decision")).isEqualTo("revoke");
    Http.Reply twice = http.post("/v1/reviews/" + id + "/items/" + edItem + "/decision", """
        {"decision":"keep","reviewer":"omar@example.com"}""");
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.text("message")).contains("already-decided").contains("revoke by omar@example.com via REST");

    // The revocation goes through the IdP.
    http.await("/v1/reviews/" + id + "?state=revoke", r -> r.body().path("items").size() == 1
        && r.body().path("items").get(0).path("revocationState").asText().equals("done"), Duration.ofSeconds(30));
    assertThat(http.get("/v1/sandbox/memberships").body().path("grafana-admins").toString()).doesNotContain("ed@");

    Http.Reply bulk = http.post("/v1/reviews/" + id + "/decisions", """
        {"decision":"keep","recommended":true,"reviewer":"omar@example.com"}""");
    assertThat(bulk.status()).isEqualTo(200);
    assertThat(bulk.body().path("kept").asInt()).isEqualTo(1); // bea; never omar's own
    assertThat(http.post("/v1/reviews/" + id + "/items/" + omarItem + "/decision", """
        {"decision":"keep","comment":"owns the app","reviewer":"sam@example.com"}""").status()).isEqualTo(200);

    // Every item decided: the campaign closes before its due date.
    JsonNode closed = http.await("/v1/reviews/" + id, r -> r.text("state").equals("closed"), Duration.ofSeconds(30)).body();
    assertThat(closed.path("outcome").asText()).isEqualTo("every item was reviewed by the due date");
    assertThat(closed.path("counts").path("kept").asInt()).isEqualTo(2);
    assertThat(closed.path("counts").path("revoked").asInt()).isEqualTo(1);
    assertThat(closed.path("counts").path("revocationsDone").asInt()).isEqualTo(1);

    String csv = http.getText("/v1/reviews/" + id + "/export?format=csv");
    List<String> lines = csv.lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("reviewId,reviewName,itemId,login");
    String edLine = lines.stream().filter(l -> l.contains(",ed@example.com,")).findFirst().orElseThrow();
    assertThat(edLine).contains(",revoke,omar@example.com,REST,").contains("sales has no business in grafana admin")
        .contains(",done,").contains("removed from grafana-admins");
    assertThat(Http.jsonLines(http.getText("/v1/reviews/" + id + "/export?format=jsonl"))).hasSize(3);
    assertThat(http.get("/v1/reviews/" + id + "/export?format=xml").status()).isEqualTo(422);
    // The decisions and the revocation are on the audit log's hash chain.
    String chain = http.getText("/v1/audit/events?format=jsonl");
    assertThat(chain).contains("review-" + id + "-" + edItem).contains("REVIEW_REVOKED");
  }
}
