package dev.accessflow.api.rest;

import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.InventorySignals;
import dev.accessflow.ledger.DriftFindings;
import dev.accessflow.ledger.InventoryQueries;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The inventory (who is in every catalog group, and from where) and drift (memberships with no
 * grant behind them), from the ledger. A trusted integration's token reads everything and resolves
 * findings on behalf of a named person; a person's own token reads only their own memberships and
 * findings.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public final class InventoryResource {
  static final Set<String> SOURCES = Set.of("grant", "standing", "out-of-band");
  static final Set<String> ACTIONS = Set.of("adopt", "remove");
  static final int MAX_REASON = 2_000;

  private final InventoryQueries inventory;
  private final DriftFindings drift;
  private final InventorySignals gateway;

  public InventoryResource(InventoryQueries inventory, DriftFindings drift, InventorySignals gateway) {
    this.inventory = inventory;
    this.drift = drift;
    this.gateway = gateway;
  }

  /** A page of memberships; {@code next} is the cursor of the next page, null on the last. */
  public record MembershipPage(List<InventoryQueries.MembershipLine> items, String next) {}

  /** A page of findings. */
  public record FindingPage(List<DriftFindings.Finding> items, String next) {}

  /** The catalog groups as last synced, and the last sync. */
  public record GroupsView(List<InventoryQueries.GroupLine> groups, InventoryQueries.SyncLine lastSync) {}

  /** How a finding is resolved: adopt it as standing access, or remove the membership. */
  public record ResolutionBody(String action, String actor, String reason) {}

  @GET
  @Path("/inventory")
  public MembershipPage memberships(@Auth Caller caller, @QueryParam("app") String app, @QueryParam("role") String role,
      @QueryParam("group") String group, @QueryParam("user") String user, @QueryParam("source") String source,
      @QueryParam("present") @DefaultValue("true") String present, @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("500") String limitText) {
    String sourceName = QueryParams.text(source);
    if (sourceName != null && !SOURCES.contains(sourceName)) {
      throw ApiProblem.invalid("source", "source must be one of grant, standing, out-of-band, not '" + sourceName + "'");
    }
    int limit = QueryParams.limit(limitText, 5_000);
    String[] after = cursor(QueryParams.text(cursor));
    List<InventoryQueries.MembershipLine> items = inventory.memberships(new InventoryQueries.Filter(
        QueryParams.text(app), QueryParams.text(role), QueryParams.text(group), whose(caller, QueryParams.text(user)),
        sourceName, bool(present, "present")), after == null ? null : after[0], after == null ? null : after[1], limit);
    InventoryQueries.MembershipLine last = items.size() == limit ? items.get(items.size() - 1) : null;
    return new MembershipPage(items, last == null ? null : cursorOf(last.groupId(), last.login()));
  }

  @GET
  @Path("/inventory/groups")
  public GroupsView groups(@Auth Caller caller) {
    requireIntegration(caller, "the catalog groups' inventory");
    return new GroupsView(inventory.groups(), inventory.lastSync().orElse(null));
  }

  @POST
  @Path("/inventory/sync")
  public Response sync(@Auth Caller caller) {
    requireIntegration(caller, "asking for a sync");
    gateway.syncNow(caller.principal());
    return Response.accepted(new SyncRequested("requested", caller.principal(),
        "every catalog group is listed from the IdP now; GET /v1/inventory/groups shows the sync")).build();
  }

  /** The answer to a sync request. */
  public record SyncRequested(String status, String requestedBy, String message) {}

  @GET
  @Path("/drift")
  public FindingPage findings(@Auth Caller caller, @QueryParam("open") String open, @QueryParam("app") String app,
      @QueryParam("role") String role, @QueryParam("group") String group, @QueryParam("user") String user,
      @QueryParam("kind") String kind, @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("500") String limitText) {
    int limit = QueryParams.limit(limitText, 5_000);
    Long after = null;
    String afterText = QueryParams.text(cursor);
    if (afterText != null) {
      after = findingId(afterText, "cursor");
    }
    List<DriftFindings.Finding> items = drift.list(new DriftFindings.Filter(open == null ? null : bool(open, "open"),
        QueryParams.text(app), QueryParams.text(role), QueryParams.text(group), whose(caller, QueryParams.text(user)),
        QueryParams.text(kind)), after, limit);
    return new FindingPage(items, items.size() == limit ? String.valueOf(items.get(items.size() - 1).findingId()) : null);
  }

  @GET
  @Path("/drift/{id}")
  public DriftFindings.Finding finding(@Auth Caller caller, @PathParam("id") String id) {
    DriftFindings.Finding finding = drift.finding(findingId(id, "id"))
        .orElseThrow(() -> new ApiProblem(404, "no drift finding " + id, "id"));
    whose(caller, finding.login().isEmpty() ? "-" : finding.login());
    return finding;
  }

  @POST
  @Path("/drift/{id}/resolution")
  public DriftFindings.Finding resolve(@Auth Caller caller, @PathParam("id") String id, ResolutionBody body) {
    requireIntegration(caller, "resolving a drift finding");
    long findingId = findingId(id, "id");
    if (body == null) {
      throw ApiProblem.invalid("body", "a JSON body with action (adopt or remove), actor and reason is required");
    }
    String action = body.action() == null ? null : body.action().strip().toLowerCase(Locale.ROOT);
    if (action == null || !ACTIONS.contains(action)) {
      throw ApiProblem.invalid("action", "action must be adopt or remove, not '" + body.action() + "'");
    }
    String actor = caller.actingAs(body.actor(), "actor");
    if (body.reason() == null || body.reason().isBlank()) {
      throw ApiProblem.invalid("reason", "reason is required: it goes on the ledger with the resolution");
    }
    if (body.reason().length() > MAX_REASON) {
      throw ApiProblem.invalid("reason", "reason is longer than " + MAX_REASON + " characters");
    }
    DriftFindings.Finding finding = drift.finding(findingId)
        .orElseThrow(() -> new ApiProblem(404, "no drift finding " + id, "id"));
    if (!finding.login().isEmpty() && finding.login().equalsIgnoreCase(actor)) {
      // Adopting one's own access is certifying it; removing it is the person's own request to make.
      throw new ApiProblem(403, actor + " cannot resolve a finding about their own access", "actor");
    }
    try {
      if (action.equals("adopt")) {
        return drift.adopt(findingId, actor, body.reason().strip());
      }
      DriftFindings.Finding asked = drift.requestRemoval(findingId, actor, body.reason().strip());
      gateway.sweep();
      return asked;
    } catch (DriftFindings.Refused refused) {
      throw new ApiProblem(refused.notFound() ? 404 : 409, refused.getMessage(), "id");
    }
  }

  private static long findingId(String text, String field) {
    try {
      long value = Long.parseLong(text.strip());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw ApiProblem.invalid(field, field + " must be a drift finding id (a positive whole number), not '"
        + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
  }

  /** An opaque cursor (URL-safe): the group and login of the last line of the page. */
  static String cursorOf(String groupId, String login) {
    return java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString((groupId + "\n" + login).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String[] cursor(String cursor) {
    if (cursor == null) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(java.util.Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = "";
    }
    int cut = decoded.indexOf('\n');
    if (cut <= 0 || cut == decoded.length() - 1) {
      throw ApiProblem.invalid("cursor", "cursor must be the 'next' value of the previous page");
    }
    return new String[] {decoded.substring(0, cut), decoded.substring(cut + 1)};
  }

  private static boolean bool(String value, String field) {
    return switch (value.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw ApiProblem.invalid(field, field + " must be true or false, not '" + QueryParams.text(value) + "'");
    };
  }

  private static void requireIntegration(Caller caller, String what) {
    if (!caller.actOnBehalf()) {
      throw new ApiProblem(403, what + " takes a trusted integration's token; " + caller.principal()
          + " may read only their own memberships (GET /v1/inventory)", null);
    }
  }

  /** Anyone's rows for a trusted integration; otherwise only the caller's own. */
  private static String whose(Caller caller, String asked) {
    if (caller.actOnBehalf()) {
      return asked;
    }
    if (asked != null && !asked.equalsIgnoreCase(caller.principal())) {
      throw new ApiProblem(403, "this token belongs to " + caller.principal() + " and may read only its own memberships",
          "user");
    }
    return caller.principal();
  }
}
