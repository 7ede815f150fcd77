package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The inventory and drift in the real process on the embedded default: an admin's change in the
 * sandbox directory (as an Okta event hook would report it) becomes a finding at once, a removal
 * by accessflow that is undone is a sticky-revoke finding, and resolving one is an action that
 * names who and why.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class InventoryEndToEndTest {
  private static final String SECRET = "okta-hook-secret-for-tests-0123";
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(
      io.dropwizard.testing.ConfigOverride.config("inventory.oktaEventHookSecret", SECRET));

  private static String delivery(String uuid, String group, String login) {
    return """
        {"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","source":"https://acme.okta.com/api/v1/eventHooks/who1",
         "eventId":"%s-delivery","eventTime":"%s","contentType":"application/json","data":{"events":[
          {"uuid":"%s","published":"%s","eventType":"group.user_membership.add","outcome":{"result":"SUCCESS"},
           "actor":{"id":"00uADMIN","type":"User","alternateId":"admin@example.com","displayName":"Admin"},
           "target":[{"id":"sandbox-%s","type":"User","alternateId":"%s","displayName":"x"},
                     {"id":"%s","type":"UserGroup","alternateId":"unknown","displayName":"%s"}]}]}}"""
        .formatted(uuid, java.time.Instant.now(), uuid, java.time.Instant.now(), login, login, group, group);
  }

  private static JsonNode awaitFinding(Http http, String group, String login, Duration timeout) {
    return http.await("/v1/drift?open=true&group=" + group + "&user=" + login,
        r -> r.body().path("items").size() == 1, timeout).body().path("items").get(0);
  }

  /**
   * The first sync, at start-up, must be over: a member it lists (even one added a moment before) is
   * standing, there when accessflow first looked. The tests change the directory after it.
   */
  @org.junit.jupiter.api.BeforeEach
  void firstSyncDone() {
    new Http(APP.getLocalPort()).await("/v1/inventory/groups",
        r -> !r.body().path("lastSync").isMissingNode() && !r.body().path("lastSync").isNull()
            && !r.body().path("lastSync").path("finishedAt").isNull(), Duration.ofSeconds(30));
  }

  private static JsonNode openFinding(Http http, String group, String login) {
    Http.Reply reply = http.await("/v1/drift?open=true&group=" + group + "&user=" + login,
        r -> r.body().path("items").size() == 1, Duration.ofSeconds(20));
    return reply.body().path("items").get(0);
  }

  private static Http.Reply change(Http http, String group, String login, String action) {
    return http.post("/v1/sandbox/memberships", "{\"group\":\"" + group + "\",\"login\":\"" + login + "\",\"action\":\""
        + action + "\"}");
  }

  @Test
  void someoneAddedInTheDirectoryIsAFindingAtOnceAndRemovingItIsAnActionWithActorAndReason() {
    Http http = new Http(APP.getLocalPort());
    long started = System.nanoTime();

    Http.Reply added = change(http, "grafana-admins", "ed@example.com", "add");

    assertThat(added.status()).isEqualTo(200);
    assertThat(added.body().path("changed").asBoolean()).isTrue();
    JsonNode finding = openFinding(http, "grafana-admins", "ed@example.com");
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("inventory: an out-of-band add became finding %s in %d ms%n", finding.path("findingId"), millis);
    assertThat(finding.path("kind").asText()).isEqualTo("out-of-band");
    assertThat(finding.path("app").asText()).isEqualTo("grafana");
    assertThat(finding.path("role").asText()).isEqualTo("admin");
    assertThat(finding.path("policy").asText()).isEqualTo("report");
    assertThat(finding.path("detectedBy").asText()).startsWith("event sandbox-");
    JsonNode line = http.get("/v1/inventory?group=grafana-admins&user=ed@example.com").body().path("items").get(0);
    assertThat(line.path("source").asText()).isEqualTo("out-of-band");
    assertThat(line.path("openFinding").asLong()).isEqualTo(finding.path("findingId").asLong());
    String id = finding.path("findingId").asText();

    // Refusals name what was wrong, and change nothing.
    Http.Reply self = http.post("/v1/drift/" + id + "/resolution", """
        {"action":"adopt","actor":"ed@example.com","reason":"I need it"}""");
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.text("message")).contains("cannot resolve a finding about their own access");
    Http.Reply badAction = http.post("/v1/drift/" + id + "/resolution", """
        {"action":"ignore","actor":"sam@example.com","reason":"x"}""");
    assertThat(badAction.status()).isEqualTo(422);
    assertThat(badAction.text("field")).isEqualTo("action");
    Http.Reply noReason = http.post("/v1/drift/" + id + "/resolution", """
        {"action":"remove","actor":"sam@example.com"}""");
    assertThat(noReason.status()).isEqualTo(422);
    assertThat(noReason.text("field")).isEqualTo("reason");
    assertThat(http.post("/v1/drift/99999/resolution", """
        {"action":"remove","actor":"sam@example.com","reason":"x"}""").status()).isEqualTo(404);
    assertThat(http.post("/v1/drift/abc/resolution", """
        {"action":"remove","actor":"sam@example.com","reason":"x"}""").status()).isEqualTo(422);
    assertThat(http.get("/v1/drift/" + id).text("state")).isEqualTo("open");
    assertThat(http.get("/v1/sandbox/memberships").body().path("grafana-admins").toString()).contains("ed@example.com");

    Http.Reply removing = http.post("/v1/drift/" + id + "/resolution", """
        {"action":"remove","actor":"sam@example.com","reason":"nobody asked for admin"}""");
    assertThat(removing.status()).isEqualTo(200);
    assertThat(removing.text("removalRequestedBy")).isEqualTo("sam@example.com");

    Http.Reply removed = http.await("/v1/drift/" + id, r -> r.text("state").equals("removed"), Duration.ofSeconds(20));
    assertThat(removed.text("resolvedBy")).isEqualTo("sam@example.com");
    assertThat(removed.text("resolution")).contains("removed from group grafana-admins").contains("nobody asked for admin");
    assertThat(http.get("/v1/sandbox/memberships").body().path("grafana-admins").toString()).doesNotContain("ed@");
    assertThat(http.get("/v1/inventory?group=grafana-admins&user=ed@example.com").body().path("items").size()).isZero();
    Http.Reply again = http.post("/v1/drift/" + id + "/resolution", """
        {"action":"adopt","actor":"sam@example.com","reason":"too late"}""");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.text("message")).contains("already removed");
  }

  @Test
  void aMembershipRemovedAtExpiryThatComesBackIsAStickyRevokeFinding() {
    Http http = new Http(APP.getLocalPort());
    String id = http.post("/v1/requests", """
        {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT10S","reason":"drift"}""")
        .text("requestId");
    http.post("/v1/requests/" + id + "/decision", "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\"}");
    http.awaitStatus(id, "ACTIVE", Duration.ofSeconds(30));
    // accessflow's own grant is in the inventory at once, as a grant of this request.
    JsonNode granted = http.await("/v1/inventory?group=sandbox-readers&user=dana@example.com",
        r -> r.body().path("items").size() == 1, Duration.ofSeconds(20)).body().path("items").get(0);
    assertThat(granted.path("source").asText()).isEqualTo("grant");
    assertThat(granted.path("requestId").asText()).isEqualTo(id);
    http.awaitStatus(id, "EXPIRED", Duration.ofSeconds(60));
    http.await("/v1/inventory?group=sandbox-readers&user=dana@example.com",
        r -> r.body().path("items").size() == 0, Duration.ofSeconds(20));

    change(http, "sandbox-readers", "dana@example.com", "add");

    JsonNode finding = openFinding(http, "sandbox-readers", "dana@example.com");
    assertThat(finding.path("kind").asText()).isEqualTo("reappeared");
    assertThat(finding.path("detail").asText()).contains("sticky revoke").contains(id);
  }

  @Test
  void aSyncAskedForListsEveryCatalogGroupAndSaysWhoAsked() {
    Http http = new Http(APP.getLocalPort());

    Http.Reply asked = http.post("/v1/inventory/sync", "{}");

    assertThat(asked.status()).isEqualTo(202);
    Http.Reply groups = http.await("/v1/inventory/groups", r -> r.body().path("lastSync").path("trigger").asText()
        .equals("service:local-cli") && !r.body().path("lastSync").path("finishedAt").isNull(), Duration.ofSeconds(30));
    assertThat(groups.body().path("groups").size()).isEqualTo(7);
    assertThat(groups.body().path("lastSync").path("groups").asInt()).isEqualTo(7);
    groups.body().path("groups").forEach(g -> assertThat(g.path("state").asText()).isEqualTo("present"));
  }

  @Test
  void anOktaEventHookDeliveryIsAFindingWithinASecond() {
    Http http = new Http(APP.getLocalPort());
    assertThat(http.getRaw("/okta/events", "Authorization", SECRET, "X-Okta-Verification-Challenge", "ch-1"))
        .isEqualTo("{\"verification\":\"ch-1\"}");
    long started = System.nanoTime();

    int status = http.postRaw("/okta/events", delivery("evt-hook-1", "grafana-viewers", "bea@example.com"),
        "Authorization", SECRET);

    assertThat(status).isEqualTo(204);
    JsonNode finding = awaitFinding(http, "grafana-viewers", "bea@example.com", Duration.ofSeconds(10));
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("inventory: an Okta event hook delivery became finding %s in %d ms%n",
        finding.path("findingId"), millis);
    assertThat(millis).isLessThan(60_000);
    assertThat(finding.path("kind").asText()).isEqualTo("out-of-band");
    assertThat(finding.path("detectedBy").asText()).isEqualTo("event evt-hook-1 by admin@example.com");
  }

  @Test
  void aDeliveryWithAWrongSecretChangesNothing() {
    Http http = new Http(APP.getLocalPort());

    int status = http.postRaw("/okta/events", delivery("evt-forged", "figma-editors", "sam@example.com"),
        "Authorization", "not-the-secret");

    assertThat(status).isEqualTo(401);
    assertThat(http.get("/v1/drift?group=figma-editors&user=sam@example.com").body().path("items").size()).isZero();
  }

  @Test
  void badQueriesAreRefusedWithTheParameterNamed() {
    Http http = new Http(APP.getLocalPort());
    assertThat(http.get("/v1/inventory?source=magic").text("field")).isEqualTo("source");
    assertThat(http.get("/v1/inventory?present=maybe").text("field")).isEqualTo("present");
    assertThat(http.get("/v1/inventory?limit=0").text("field")).isEqualTo("limit");
    assertThat(http.get("/v1/inventory?cursor=nothing").text("field")).isEqualTo("cursor");
    assertThat(http.get("/v1/drift?open=perhaps").text("field")).isEqualTo("open");
    assertThat(http.get("/v1/drift/0").status()).isEqualTo(422);
    assertThat(change(http, "no-such-group", "ed@example.com", "add").status()).isEqualTo(404);
    assertThat(change(http, "grafana-viewers", "nobody@example.com", "add").status()).isEqualTo(404);
    assertThat(change(http, "grafana-viewers", "ed@example.com", "toggle").text("field")).isEqualTo("action");
  }
}
