package dev.accessflow.api.okta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.api.InventorySignals;
import dev.accessflow.workflows.model.MembershipChange;
import dev.accessflow.workflows.ports.AppSignIns;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Okta Event Hooks at {@code /okta/events}: the one-time verification ({@code GET} with
 * {@code X-Okta-Verification-Challenge}) and deliveries of {@code group.user_membership.add} and
 * {@code .remove}. Okta authenticates with a static shared secret in {@code Authorization},
 * compared in constant time. A delivery is checked whole before anything is handed on: a wrong
 * secret is a 401 and a malformed body a 400, and neither changes anything. Only ids go to the
 * inventory workflow, never Okta's payload; deliveries are at least once, so each event is applied
 * once by its uuid. {@code user.authentication.sso} to an app a reclaim policy names is a sign-in
 * that ends a grace at once (kept as each person's latest, so a repeated delivery changes nothing).
 */
@Path("/okta/events")
@Produces(MediaType.APPLICATION_JSON)
public final class OktaEventHookResource {
  private static final Logger log = LoggerFactory.getLogger(OktaEventHookResource.class);
  public static final String CHALLENGE_HEADER = "X-Okta-Verification-Challenge";
  static final String ADD = "group.user_membership.add";
  static final String REMOVE = "group.user_membership.remove";
  /** A person signed in to an app through Okta: auto-reclaim's usage signal, seen at once. */
  static final String SSO = "user.authentication.sso";
  /** Okta batches events; a delivery of a few hundred events is well under this. */
  static final int MAX_BODY_BYTES = 1024 * 1024;
  static final int MAX_CHALLENGE = 512;
  static final int MAX_EVENTS = 1_000;
  static final int MAX_ID = 256;

  private final byte[] secret;
  private final InventorySignals inventory;
  private final Set<String> catalogGroups;
  private final ObjectMapper json;
  private final Set<String> reclaimApps;
  private final AppSignInSink signIns;

  /** Where sign-ins to apps go (the reclaim ledger, then a nudge to the app's runs). */
  @FunctionalInterface
  public interface AppSignInSink {
    /** Sign-ins to the Okta app {@code idpApp} (one of the catalog's reclaim idpApps). */
    void signedIn(String idpApp, List<AppSignIns.SignIn> signIns);
  }

  /** @param secret the Authorization value configured on the event hook in Okta */
  public OktaEventHookResource(String secret, InventorySignals inventory, Set<String> catalogGroups, ObjectMapper json) {
    this(secret, inventory, catalogGroups, json, Set.of(), (app, s) -> { });
  }

  /** @param reclaimApps the Okta app ids the catalog's reclaim policies read sign-ins of */
  public OktaEventHookResource(String secret, InventorySignals inventory, Set<String> catalogGroups, ObjectMapper json,
      Set<String> reclaimApps, AppSignInSink signIns) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.inventory = inventory;
    this.catalogGroups = Set.copyOf(catalogGroups);
    this.json = json;
    this.reclaimApps = Set.copyOf(reclaimApps);
    this.signIns = signIns;
  }

  /** The verification response Okta expects. */
  public record Verification(String verification) {}


  @GET
  public Response verify(@HeaderParam("Authorization") String authorization,
      @HeaderParam(CHALLENGE_HEADER) String challenge) {
    // Echoing the challenge changes nothing; a wrong secret is still refused, so a probe learns nothing.
    if (authorization != null && !authentic(authorization)) {
      return problem(401, "the Authorization header does not match the event hook's secret");
    }
    if (challenge == null || challenge.isBlank() || challenge.length() > MAX_CHALLENGE) {
      return problem(400, CHALLENGE_HEADER + " is required (1-" + MAX_CHALLENGE + " characters)");
    }
    return Response.ok(new Verification(challenge)).build();
  }

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response deliver(@HeaderParam("Authorization") String authorization, InputStream body) {
    if (authorization == null || !authentic(authorization)) {
      log.warn("okta event hook: a delivery with {} Authorization was refused", authorization == null ? "no" : "a wrong");
      return problem(401, "the Authorization header does not match the event hook's secret");
    }
    byte[] raw;
    try {
      raw = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      return problem(400, "the request body could not be read");
    }
    if (raw.length > MAX_BODY_BYTES) {
      return problem(413, "request body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    List<MembershipChange> changes;
    Map<String, List<AppSignIns.SignIn>> appSignIns = new TreeMap<>();
    try {
      changes = changes(raw, appSignIns);
    } catch (Malformed e) {
      log.warn("okta event hook: a malformed delivery was refused: {}", e.getMessage());
      return problem(400, e.getMessage());
    }
    if (!changes.isEmpty()) {
      inventory.changed(changes); // one signal for the delivery: Okta waits 3 s at most
      log.info("okta event hook: {} membership change(s) of catalog groups handed to the inventory", changes.size());
    }
    appSignIns.forEach(signIns::signedIn);
    if (!appSignIns.isEmpty()) {
      log.info("okta event hook: sign-ins to {} reclaimed app(s) handed to reclaim", appSignIns.size());
    }
    return Response.noContent().build();
  }

  private boolean authentic(String authorization) {
    return MessageDigest.isEqual(authorization.strip().getBytes(StandardCharsets.UTF_8), secret);
  }

  /** The membership changes of catalog groups in a delivery; throws {@link Malformed} for anything but Okta's shape. */
  List<MembershipChange> changes(byte[] raw) {
    return changes(raw, new TreeMap<>());
  }

  /** The same, and the sign-ins to reclaimed apps into {@code appSignIns} (by Okta app id). */
  List<MembershipChange> changes(byte[] raw, Map<String, List<AppSignIns.SignIn>> appSignIns) {
    JsonNode root;
    try {
      root = json.readTree(raw);
    } catch (IOException e) {
      throw new Malformed("the body is not JSON");
    }
    if (root == null || !root.isObject()) {
      throw new Malformed("the body must be a JSON object with data.events");
    }
    JsonNode events = root.path("data").path("events");
    if (!events.isArray()) {
      throw new Malformed("data.events must be an array of Okta log events");
    }
    if (events.size() > MAX_EVENTS) {
      throw new Malformed("a delivery carries at most " + MAX_EVENTS + " events");
    }
    List<MembershipChange> changes = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      JsonNode event = events.get(i);
      String type = text(event, "eventType", "data.events[" + i + "]");
      if (SSO.equals(type)) {
        signIn(event, "data.events[" + i + "] (" + type + ")", appSignIns);
        continue;
      }
      if (!ADD.equals(type) && !REMOVE.equals(type)) {
        continue; // the hook may subscribe to more than membership events
      }
      String where = "data.events[" + i + "] (" + type + ")";
      String uuid = text(event, "uuid", where);
      if (!"SUCCESS".equalsIgnoreCase(event.path("outcome").path("result").asText("SUCCESS"))) {
        continue; // a change Okta refused did not happen
      }
      Instant at = instant(event.path("published").asText(null), where);
      JsonNode user = null;
      JsonNode group = null;
      for (JsonNode target : event.path("target")) {
        String targetType = target.path("type").asText("");
        if (targetType.equals("User")) {
          user = target;
        } else if (targetType.equals("UserGroup")) {
          group = target;
        }
      }
      if (user == null || group == null) {
        throw new Malformed(where + " must have a User and a UserGroup target");
      }
      String groupId = text(group, "id", where + " UserGroup target");
      if (!catalogGroups.contains(groupId)) {
        continue;
      }
      String actor = event.path("actor").path("alternateId").asText(null);
      changes.add(new MembershipChange(uuid, groupId, text(user, "id", where + " User target"),
          text(user, "alternateId", where + " User target"), ADD.equals(type), at,
          actor == null || actor.length() > MAX_ID ? null : actor));
    }
    return changes;
  }

  /** A successful SSO to a reclaimed app by a person; anything else is not a sign-in reclaim reads. */
  private void signIn(JsonNode event, String where, Map<String, List<AppSignIns.SignIn>> appSignIns) {
    if (!"SUCCESS".equalsIgnoreCase(event.path("outcome").path("result").asText(""))) {
      return;
    }
    String app = null;
    for (JsonNode target : event.path("target")) {
      if ("AppInstance".equals(target.path("type").asText(""))) {
        app = text(target, "id", where + " AppInstance target");
      }
    }
    JsonNode actor = event.path("actor");
    if (app == null || !reclaimApps.contains(app) || !"User".equals(actor.path("type").asText(""))) {
      return;
    }
    Instant at = instant(event.path("published").asText(null), where);
    if (at == null) {
      throw new Malformed(where + " must have a published time");
    }
    appSignIns.computeIfAbsent(app, a -> new ArrayList<>()).add(new AppSignIns.SignIn(
        text(actor, "alternateId", where + " actor"), text(actor, "id", where + " actor"), at));
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode value = node.path(field);
    if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > MAX_ID) {
      throw new Malformed(where + " must have " + field + " (text, 1-" + MAX_ID + " characters)");
    }
    return value.asText().strip();
  }

  private static Instant instant(String text, String where) {
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new Malformed(where + " has a published time that is not ISO-8601");
    }
  }

  private static Response problem(int status, String message) {
    return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new dev.accessflow.api.rest.ApiError(status, message, null)).build();
  }

  /** A delivery that is not in Okta's shape; its message says where. */
  static final class Malformed extends RuntimeException {
    Malformed(String message) {
      super(message);
    }
  }
}
