package dev.accessflow.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.ReviewDecisions;
import dev.accessflow.api.ReviewGateway;
import dev.accessflow.api.ReviewWorkflows;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.ledger.AuditExport;
import dev.accessflow.ledger.ReviewExport;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.ledger.ReviewLedger.Campaign;
import dev.accessflow.ledger.ReviewLedger.Item;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.ReviewRun;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Access reviews: start a campaign, see its items and progress, decide items (one or all the
 * recommended keeps), and export the record an auditor receives.
 */
@Path("/v1/reviews")
@Produces(MediaType.APPLICATION_JSON)
public final class ReviewResource {
  static final Duration MIN_DUE = Duration.ofHours(1);
  static final Duration MAX_DUE = Duration.ofDays(90);
  static final int MAX_NAME = 200;
  static final int MAX_PEOPLE = 50;
  static final int MAX_PAGE = 500;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Catalog catalog;
  private final ReviewLedger reviews;
  private final ReviewWorkflows gateway;
  private final ReviewDecisions decisions;
  private final Clock clock;

  public ReviewResource(Catalog catalog, ReviewLedger reviews, ReviewWorkflows gateway, ReviewDecisions decisions,
      Clock clock) {
    this.catalog = catalog;
    this.reviews = reviews;
    this.gateway = gateway;
    this.decisions = decisions;
    this.clock = clock;
  }

  /** What starts a campaign. {@code reviewers} is "owners", "manager", "group:<IdP group id>" or a list of logins. */
  public record ReviewBody(String name, ScopeBody scope, JsonNode reviewers, String dueIn, String unreviewed,
      String remindEvery, List<String> escalateTo, String escalationGrace, String startedBy) {}

  public record ScopeBody(List<String> apps, List<String> roles) {}

  /** A campaign, where it stands, and (on GET of one) a page of its items. */
  public record ReviewView(String reviewId, String name, List<String> apps, List<String> roles, String reviewers,
      String unreviewed, List<String> escalateTo, String startedBy, Instant startedAt, Instant dueAt, String state,
      String ticketKey, Instant escalatedAt, Instant closedAt, String outcome, ReviewLedger.Counts counts,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<Item> items,
      @JsonInclude(JsonInclude.Include.NON_NULL) String next) {

    static ReviewView of(Campaign c, ReviewLedger.Counts counts, List<Item> items, String next) {
      return new ReviewView(c.reviewId(), c.name(), c.apps(), c.roles(), c.reviewerRule(), c.unreviewed(),
          c.escalateTo(), c.startedBy(), c.startedAt(), c.dueAt(), c.state(), c.ticketKey(), c.escalatedAt(),
          c.closedAt(), c.outcome(), counts, items, next);
    }
  }

  public record ReviewList(List<ReviewView> reviews) {}

  public record DecisionBody(String decision, String comment, String reviewer) {}

  public record BulkBody(String decision, Boolean recommended, String reviewer) {}

  public record BulkView(String reviewId, int kept, List<Long> items) {}

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  public Response start(@Auth Caller caller, @HeaderParam("Idempotency-Key") String idempotencyKey, ReviewBody body) {
    if (body == null) {
      throw ApiProblem.invalid("body", "a JSON body with name, scope, reviewers, dueIn and unreviewed is required");
    }
    String name = required(body.name(), "name");
    if (name.length() > MAX_NAME) {
      throw ApiProblem.invalid("name", "name is longer than " + MAX_NAME + " characters");
    }
    List<String> apps = new ArrayList<>();
    List<String> roles = new ArrayList<>();
    scope(body.scope(), apps, roles);
    String rule = reviewerRule(body.reviewers());
    Duration dueIn = duration(body.dueIn(), "dueIn", null);
    if (dueIn.compareTo(MIN_DUE) < 0 || dueIn.compareTo(MAX_DUE) > 0) {
      throw ApiProblem.invalid("dueIn", "dueIn must be between PT1H and P90D, not " + body.dueIn());
    }
    String unreviewed = required(body.unreviewed(), "unreviewed");
    if (!List.of("keep", "revoke", "escalate").contains(unreviewed)) {
      throw ApiProblem.invalid("unreviewed", "unreviewed must be keep, revoke or escalate, not '" + unreviewed + "'");
    }
    Duration remindEvery = duration(body.remindEvery(), "remindEvery", ReviewGateway.defaultRemindEvery(dueIn));
    if (remindEvery.compareTo(Duration.ofMinutes(30)) < 0) {
      throw ApiProblem.invalid("remindEvery", "remindEvery must be at least PT30M, not " + remindEvery);
    }
    Duration grace = duration(body.escalationGrace(), "escalationGrace", ReviewGateway.defaultEscalationGrace(dueIn));
    if (grace.compareTo(MIN_DUE) < 0 || grace.compareTo(MAX_DUE) > 0) {
      throw ApiProblem.invalid("escalationGrace", "escalationGrace must be between PT1H and P90D, not " + grace);
    }
    String startedBy = caller.actingAs(body.startedBy(), "startedBy");
    if (!caller.actOnBehalf()) {
      for (String app : scopeApps(apps, roles)) {
        if (catalog.app(app).map(a -> a.owners().stream().noneMatch(startedBy::equalsIgnoreCase)).orElse(true)) {
          throw new ApiProblem(403, "only an owner of " + app + " or a trusted integration may start a review of it",
              "scope");
        }
      }
    }
    List<String> escalateTo = escalateTo(body.escalateTo(), apps, roles, startedBy);
    if (unreviewed.equals("escalate") && escalateTo.isEmpty()) {
      throw ApiProblem.invalid("escalateTo", "escalateTo is required: the apps in scope name no owners to escalate to");
    }
    String reviewId = reviewId(caller, idempotencyKey);
    Instant now = clock.instant();
    Campaign campaign = new Campaign(reviewId, name, apps, roles, rule, unreviewed, escalateTo, startedBy, "rest", now,
        now.plus(dueIn), ReviewLedger.OPENING, 0, null, null, null, null);
    boolean created = gateway.start(campaign, ReviewRun.start(reviewId, now.plus(dueIn), remindEvery, unreviewed, grace));
    Campaign stored = reviews.campaign(reviewId).orElse(campaign);
    return Response.status(created ? 201 : 200)
        .entity(ReviewView.of(stored, reviews.counts(reviewId), null, null))
        .header("Location", "/v1/reviews/" + reviewId).build();
  }

  @GET
  public ReviewList list(@Auth Caller caller, @QueryParam("limit") String limit) {
    int n = limit == null || limit.isBlank() ? 100 : QueryParams.limit(limit, 100);
    return new ReviewList(reviews.campaigns(n * 4).stream()
        .filter(c -> seesAll(caller, c) || !reviews.items(c.reviewId(), new ReviewLedger.ItemFilter(caller.principal(),
            null), 0, 1).isEmpty())
        .limit(n).map(c -> ReviewView.of(c, reviews.counts(c.reviewId()), null, null)).toList());
  }

  @GET
  @Path("/{id}")
  public ReviewView review(@Auth Caller caller, @PathParam("id") String id, @QueryParam("reviewer") String reviewer,
      @QueryParam("state") String state, @QueryParam("cursor") String cursor, @QueryParam("limit") String limit) {
    Campaign c = campaign(id);
    String filterState = QueryParams.text(state);
    if (filterState != null && !List.of("pending", "decided", "revoke").contains(filterState)) {
      throw ApiProblem.invalid("state", "state must be pending, decided or revoke, not '" + filterState + "'");
    }
    // A reviewer who is not the campaign's owner sees their own items only.
    String whose = seesAll(caller, c) ? QueryParams.text(reviewer) : caller.principal();
    long after = cursor == null || cursor.isBlank() ? 0 : itemId(cursor, "cursor");
    int n = limit == null || limit.isBlank() ? 100 : QueryParams.limit(limit, MAX_PAGE);
    List<Item> items = reviews.items(id, new ReviewLedger.ItemFilter(whose, filterState), after, n);
    String next = items.size() == n ? Long.toString(items.get(items.size() - 1).itemId()) : null;
    return ReviewView.of(c, reviews.counts(id), items, next);
  }

  @POST
  @Path("/{id}/items/{itemId}/decision")
  @Consumes(MediaType.APPLICATION_JSON)
  public Item decide(@Auth Caller caller, @PathParam("id") String id, @PathParam("itemId") String itemId,
      DecisionBody body) {
    if (body == null) {
      throw ApiProblem.invalid("body", "a JSON body with decision (keep or revoke) is required");
    }
    String reviewer = caller.actingAs(body.reviewer(), "reviewer");
    return decisions.decide(id, itemId(itemId, "itemId"), body.decision(), body.comment(), reviewer, Channel.REST);
  }

  @POST
  @Path("/{id}/decisions")
  @Consumes(MediaType.APPLICATION_JSON)
  public BulkView decideAll(@Auth Caller caller, @PathParam("id") String id, BulkBody body) {
    if (body == null || !"keep".equals(body.decision()) || !Boolean.TRUE.equals(body.recommended())) {
      throw ApiProblem.invalid("decision", "the bulk decision is {\"decision\": \"keep\", \"recommended\": true}:"
          + " it keeps every item of yours the review recommends keeping; revoke items one by one, with a comment");
    }
    String reviewer = caller.actingAs(body.reviewer(), "reviewer");
    List<Item> kept = decisions.keepRecommended(id, reviewer, Channel.REST);
    return new BulkView(id, kept.size(), kept.stream().map(Item::itemId).toList());
  }

  @GET
  @Path("/{id}/export")
  @Produces({"application/x-ndjson", "text/csv"})
  public Response export(@Auth Caller caller, @PathParam("id") String id,
      @QueryParam("format") @DefaultValue("csv") String formatName) {
    AuditExport.Format format;
    try {
      format = AuditExport.Format.named(formatName);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid("format", e.getMessage());
    }
    Campaign c = campaign(id);
    if (!seesAll(caller, c)) {
      throw new ApiProblem(403, "the export of review " + id + " takes a trusted integration's token, or the token of"
          + " who started it or of an owner of an app in its scope", null);
    }
    StreamingOutput body = out -> new ReviewExport(reviews).write(c, format, out);
    return Response.ok(body, format.mediaType)
        .header("Content-Disposition", "attachment; filename=\"accessflow-review-" + id
            + (format == AuditExport.Format.CSV ? ".csv" : ".jsonl") + "\"")
        .build();
  }

  private Campaign campaign(String id) {
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,80}")) {
      throw new ApiProblem(404, "no review " + QueryParams.text(id), "id");
    }
    return reviews.campaign(id).orElseThrow(() -> new ApiProblem(404, "no review " + id, "id"));
  }

  /** The starter, an owner of an app in scope and a trusted integration see (and export) every item. */
  private boolean seesAll(Caller caller, Campaign c) {
    if (caller.actOnBehalf() || caller.principal().equalsIgnoreCase(c.startedBy())) {
      return true;
    }
    return scopeApps(c.apps(), c.roles()).stream().anyMatch(app -> catalog.app(app)
        .map(a -> a.owners().stream().anyMatch(caller.principal()::equalsIgnoreCase)).orElse(false));
  }

  private void scope(ScopeBody scope, List<String> apps, List<String> roles) {
    if (scope == null || (empty(scope.apps()) && empty(scope.roles()))) {
      throw ApiProblem.invalid("scope", "scope must name apps and/or roles (\"app/role\") of the catalog");
    }
    for (String app : scope.apps() == null ? List.<String>of() : scope.apps()) {
      if (app == null || catalog.app(app).isEmpty()) {
        throw ApiProblem.invalid("scope.apps", "no app '" + QueryParams.text(app) + "' in the catalog");
      }
      apps.add(app);
    }
    for (String role : scope.roles() == null ? List.<String>of() : scope.roles()) {
      String[] parts = role == null ? new String[0] : role.split("/", 2);
      if (parts.length != 2 || catalog.app(parts[0]).flatMap(a -> a.role(parts[1])).isEmpty()) {
        throw ApiProblem.invalid("scope.roles", "no role '" + QueryParams.text(role) + "' in the catalog (write roles"
            + " as app/role, e.g. grafana/admin)");
      }
      roles.add(role);
    }
  }

  private static Set<String> scopeApps(List<String> apps, List<String> roles) {
    Set<String> all = new LinkedHashSet<>(apps);
    roles.forEach(r -> all.add(r.substring(0, r.indexOf('/'))));
    return all;
  }

  private static String reviewerRule(JsonNode reviewers) {
    if (reviewers == null || reviewers.isNull()) {
      throw ApiProblem.invalid("reviewers", "reviewers is required: owners, manager, group:<IdP group id>, or a list"
          + " of logins");
    }
    if (reviewers.isArray()) {
      if (reviewers.isEmpty() || reviewers.size() > MAX_PEOPLE) {
        throw ApiProblem.invalid("reviewers", "a list of reviewers names 1 to " + MAX_PEOPLE + " people");
      }
      List<String> people = new ArrayList<>();
      for (JsonNode person : reviewers) {
        String login = person.isTextual() ? person.asText().strip().toLowerCase(Locale.ROOT) : "";
        if (!login.matches("[^\\s,@]+@[^\\s,@]+")) {
          throw ApiProblem.invalid("reviewers", "each reviewer is a login such as alice@example.com, not '"
              + QueryParams.text(person.toString()) + "'");
        }
        people.add(login);
      }
      return "people:" + String.join(",", people);
    }
    String rule = reviewers.isTextual() ? reviewers.asText().strip() : "";
    if (rule.equals("owners") || rule.equals("manager")
        || rule.startsWith("group:") && rule.substring(6).matches("[A-Za-z0-9._-]{1,100}")) {
      return rule;
    }
    throw ApiProblem.invalid("reviewers", "reviewers must be owners, manager, group:<IdP group id>, or a list of"
        + " logins, not " + QueryParams.text(reviewers.toString()));
  }

  private List<String> escalateTo(List<String> named, List<String> apps, List<String> roles, String startedBy) {
    LinkedHashSet<String> to = new LinkedHashSet<>();
    if (named != null && !named.isEmpty()) {
      if (named.size() > MAX_PEOPLE) {
        throw ApiProblem.invalid("escalateTo", "escalateTo names at most " + MAX_PEOPLE + " people");
      }
      for (String login : named) {
        if (login == null || !login.strip().matches("[^\\s,@]+@[^\\s,@]+")) {
          throw ApiProblem.invalid("escalateTo", "each escalation reviewer is a login, not '" + QueryParams.text(login)
              + "'");
        }
        to.add(login.strip().toLowerCase(Locale.ROOT));
      }
      return List.copyOf(to);
    }
    for (String app : scopeApps(apps, roles)) {
      catalog.app(app).map(CatalogApp::owners).orElse(List.of()).forEach(o -> to.add(o.toLowerCase(Locale.ROOT)));
    }
    if (to.isEmpty() && startedBy != null) {
      to.add(startedBy.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(to);
  }

  /** A retried POST with the same Idempotency-Key names the same campaign; otherwise a fresh id. */
  private static String reviewId(Caller caller, String idempotencyKey) {
    if (idempotencyKey != null && !idempotencyKey.isBlank()) {
      if (idempotencyKey.length() > 200) {
        throw ApiProblem.invalid("Idempotency-Key", "Idempotency-Key is longer than 200 characters");
      }
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256")
            .digest((caller.principal() + "\n" + idempotencyKey).getBytes(StandardCharsets.UTF_8));
        return "rv-" + HexFormat.of().formatHex(digest, 0, 8);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return "rv-" + HexFormat.of().formatHex(random);
  }

  private static Duration duration(String text, String field, Duration fallback) {
    if (text == null || text.isBlank()) {
      if (fallback == null) {
        throw ApiProblem.invalid(field, field + " is required: an ISO-8601 duration such as P14D");
      }
      return fallback;
    }
    try {
      return Duration.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(field, field + " must be an ISO-8601 duration such as P14D, not '"
          + QueryParams.text(text) + "'");
    }
  }

  private static long itemId(String text, String field) {
    try {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiProblem.invalid(field, field + " must be an item id (a positive whole number), not '"
        + QueryParams.text(text) + "'");
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw ApiProblem.invalid(field, field + " is required");
    }
    return value.strip();
  }

  private static boolean empty(List<String> list) {
    return list == null || list.isEmpty();
  }
}
