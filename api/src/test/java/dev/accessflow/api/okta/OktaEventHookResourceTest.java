package dev.accessflow.api.okta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.api.InventorySignals;
import dev.accessflow.workflows.model.MembershipChange;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import io.dropwizard.testing.junit5.ResourceExtension;
import jakarta.ws.rs.client.Entity;
import jakarta.ws.rs.client.Invocation;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Okta's event hook deliveries at the resource: verification, the shared secret, and what reaches the inventory. */
@ExtendWith(DropwizardExtensionsSupport.class)
class OktaEventHookResourceTest {
  private static final String SECRET = "okta-hook-secret-0123456789";
  private static final List<MembershipChange> HANDED_ON = new CopyOnWriteArrayList<>();
  private static final InventorySignals INVENTORY = new InventorySignals() {
    @Override
    public void syncNow(String requestedBy) {}

    @Override
    public void changed(List<MembershipChange> changes) {
      HANDED_ON.addAll(changes);
    }

    @Override
    public void sweep() {}
  };

  private static final List<String> SIGNED_IN = new CopyOnWriteArrayList<>();

  static final ResourceExtension RESOURCES = ResourceExtension.builder()
      .addResource(new OktaEventHookResource(SECRET, INVENTORY, Set.of("00gADMINS", "00gVIEWERS"), new ObjectMapper(),
          Set.of("0oaGRAFANA"), (app, signIns) -> signIns.forEach(s -> SIGNED_IN.add(app + " " + s.login() + " "
              + s.idpUserId() + " " + s.at()))))
      .build();

  @BeforeEach
  void clear() {
    HANDED_ON.clear();
    SIGNED_IN.clear();
  }

  private static String sso(String uuid, String app, String result, String actorType) {
    return """
        {"uuid":"%s","published":"2026-12-02T09:59:58.000Z","eventType":"user.authentication.sso","version":"0",
         "displayMessage":"User single sign on to app","severity":"INFO","outcome":{"result":"%s"},
         "actor":{"id":"00uDANA","type":"%s","alternateId":"dana@acme.example","displayName":"Dana"},
         "target":[{"id":"%s","type":"AppInstance","alternateId":"Grafana","displayName":"Grafana"},
                   {"id":"0uaX","type":"AppUser","alternateId":"dana@acme.example","displayName":"Dana"}]}"""
        .formatted(uuid, result, actorType, app);
  }

  @Test
  void aSuccessfulSignInToAReclaimedAppGoesToReclaimAndOtherSignInsAreIgnored() {
    Response answer = hook(SECRET).post(Entity.entity(delivery(
        sso("s-1", "0oaGRAFANA", "SUCCESS", "User"),
        sso("s-2", "0oaOTHER", "SUCCESS", "User"), // no reclaim policy reads this app
        sso("s-3", "0oaGRAFANA", "FAILURE", "User"), // a refused sign-in is no use
        sso("s-4", "0oaGRAFANA", "SUCCESS", "PublicClientApp")), MediaType.APPLICATION_JSON));

    assertThat(answer.getStatus()).isEqualTo(204);
    assertThat(SIGNED_IN).containsExactly("0oaGRAFANA dana@acme.example 00uDANA 2026-12-02T09:59:58Z");
    assertThat(HANDED_ON).isEmpty();
  }

  @Test
  void aSignInWithoutItsTimeIsRefusedWholeAndNothingIsRecorded() {
    String timeless = sso("s-1", "0oaGRAFANA", "SUCCESS", "User").replace("\"published\":\"2026-12-02T09:59:58.000Z\",", "");
    Response answer = hook(SECRET).post(Entity.entity(delivery(sso("s-0", "0oaGRAFANA", "SUCCESS", "User"), timeless),
        MediaType.APPLICATION_JSON));

    assertThat(answer.getStatus()).isEqualTo(400);
    assertThat(answer.readEntity(JsonNode.class).path("message").asText()).contains("published");
    assertThat(SIGNED_IN).isEmpty();
  }

  private static Invocation.Builder hook(String authorization) {
    Invocation.Builder request = RESOURCES.target("/okta/events").request();
    return authorization == null ? request : request.header("Authorization", authorization);
  }

  /** A delivery as Okta sends it (com.okta.event_hook with log events), one event per entry. */
  private static String delivery(String... events) {
    return """
        {"eventType":"com.okta.event_hook","eventTypeVersion":"1.0","cloudEventsVersion":"0.1","source":"https://acme.okta.com/api/v1/eventHooks/who8","eventId":"b5a188b9-5ece-4636-b041-482ffda96311","eventTime":"2026-12-02T10:00:01.000Z","contentType":"application/json",
         "data":{"events":[%s]}}""".formatted(String.join(",", events));
  }

  private static String event(String uuid, String type, String groupId, String userId, String login, String published) {
    return """
        {"uuid":"%s","published":"%s","eventType":"%s","version":"0","displayMessage":"Add user to group membership",
         "severity":"INFO","legacyEventType":"core.user_group_member.user_add","outcome":{"result":"SUCCESS"},
         "actor":{"id":"00uADMIN","type":"User","alternateId":"admin@acme.example","displayName":"An Admin"},
         "target":[{"id":"%s","type":"User","alternateId":"%s","displayName":"Someone"},
                   {"id":"%s","type":"UserGroup","alternateId":"unknown","displayName":"grafana-admins"}]}"""
        .formatted(uuid, published, type, userId, login, groupId);
  }

  @Test
  void theOneTimeVerificationEchoesTheChallenge() {
    Response verified = hook(SECRET).header(OktaEventHookResource.CHALLENGE_HEADER, "X8bLbrUUmYbq").get();

    assertThat(verified.getStatus()).isEqualTo(200);
    assertThat(verified.readEntity(JsonNode.class).toString()).isEqualTo("{\"verification\":\"X8bLbrUUmYbq\"}");
    assertThat(hook(null).header(OktaEventHookResource.CHALLENGE_HEADER, "abc").get().getStatus()).isEqualTo(200);
    assertThat(hook("wrong").header(OktaEventHookResource.CHALLENGE_HEADER, "abc").get().getStatus()).isEqualTo(401);
    assertThat(hook(SECRET).get().getStatus()).isEqualTo(400);
  }

  @Test
  void membershipEventsOfCatalogGroupsAreHandedOnAsIdsAndTheRestIgnored() {
    Response answer = hook(SECRET).post(Entity.entity(delivery(
        event("e-1", "group.user_membership.add", "00gADMINS", "00uED", "ed@acme.example", "2026-12-02T10:00:00.123Z"),
        event("e-2", "group.user_membership.remove", "00gVIEWERS", "00uBOB", "bob@acme.example", "2026-12-02T10:00:00.500Z"),
        event("e-3", "group.user_membership.add", "00gNOT-IN-CATALOG", "00uED", "ed@acme.example", "2026-12-02T10:00:00Z"),
        event("e-4", "user.session.start", "00gADMINS", "00uED", "ed@acme.example", "2026-12-02T10:00:00Z")),
        MediaType.APPLICATION_JSON));

    assertThat(answer.getStatus()).isEqualTo(204);
    assertThat(HANDED_ON).containsExactly(
        new MembershipChange("e-1", "00gADMINS", "00uED", "ed@acme.example", true,
            Instant.parse("2026-12-02T10:00:00.123Z"), "admin@acme.example"),
        new MembershipChange("e-2", "00gVIEWERS", "00uBOB", "bob@acme.example", false,
            Instant.parse("2026-12-02T10:00:00.500Z"), "admin@acme.example"));
  }

  @Test
  void aRetriedDeliveryIsHandedOnWithTheSameEventIdsForTheInventoryToApplyOnce() {
    String body = delivery(event("e-1", "group.user_membership.add", "00gADMINS", "00uED", "ed@acme.example",
        "2026-12-02T10:00:00Z"));

    hook(SECRET).post(Entity.entity(body, MediaType.APPLICATION_JSON));
    hook(SECRET).post(Entity.entity(body, MediaType.APPLICATION_JSON));

    assertThat(HANDED_ON).extracting(MembershipChange::eventId).containsExactly("e-1", "e-1");
  }

  @Test
  void aDeliveryWithoutTheSecretIsRefusedAndChangesNothing() {
    String body = delivery(event("e-1", "group.user_membership.add", "00gADMINS", "00uED", "ed@acme.example",
        "2026-12-02T10:00:00Z"));

    assertThat(hook(null).post(Entity.entity(body, MediaType.APPLICATION_JSON)).getStatus()).isEqualTo(401);
    assertThat(hook(SECRET + "x").post(Entity.entity(body, MediaType.APPLICATION_JSON)).getStatus()).isEqualTo(401);
    assertThat(hook("Bearer " + SECRET).post(Entity.entity(body, MediaType.APPLICATION_JSON)).getStatus()).isEqualTo(401);
    assertThat(HANDED_ON).isEmpty();
  }

  @Test
  void aMalformedDeliveryIsRefusedWholeWithWhereItIsWrong() {
    String good = event("e-1", "group.user_membership.add", "00gADMINS", "00uED", "ed@acme.example",
        "2026-12-02T10:00:00Z");
    String noUuid = good.replace("\"uuid\":\"e-1\",", "").replace("e-1", "e-2");

    Response notJson = hook(SECRET).post(Entity.entity("{not json", MediaType.APPLICATION_JSON));
    Response noEvents = hook(SECRET).post(Entity.entity("{\"data\":{}}", MediaType.APPLICATION_JSON));
    Response oneBad = hook(SECRET).post(Entity.entity(delivery(good, noUuid), MediaType.APPLICATION_JSON));
    Response badTime = hook(SECRET).post(Entity.entity(delivery(good.replace("2026-12-02T10:00:00Z", "yesterday")),
        MediaType.APPLICATION_JSON));
    Response tooBig = hook(SECRET).post(Entity.entity("x".repeat(OktaEventHookResource.MAX_BODY_BYTES + 1),
        MediaType.APPLICATION_JSON));

    assertThat(notJson.getStatus()).isEqualTo(400);
    assertThat(noEvents.getStatus()).isEqualTo(400);
    assertThat(noEvents.readEntity(JsonNode.class).path("message").asText()).contains("data.events");
    assertThat(oneBad.getStatus()).isEqualTo(400);
    assertThat(oneBad.readEntity(JsonNode.class).path("message").asText()).contains("data.events[1]").contains("uuid");
    assertThat(badTime.getStatus()).isEqualTo(400);
    assertThat(tooBig.getStatus()).isEqualTo(413);
    assertThat(HANDED_ON).isEmpty();
  }
}
