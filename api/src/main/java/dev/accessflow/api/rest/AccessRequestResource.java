package dev.accessflow.api.rest;

import dev.accessflow.api.AccessRequestGateway;
import dev.accessflow.api.AccessRequestIntake;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.RequestIds;
import dev.accessflow.ledger.LedgerQueries;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;
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
import java.net.URI;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The REST API for access requests under /v1/requests. */
@Path("/v1/requests")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class AccessRequestResource {

  private final AccessRequestIntake intake;
  private final AccessRequestGateway gateway;
  private final LedgerQueries ledger;
  private final RequestIds requestIds = new RequestIds();

  public AccessRequestResource(AccessRequestIntake intake, AccessRequestGateway gateway, LedgerQueries ledger) {
    this.intake = intake;
    this.gateway = gateway;
    this.ledger = ledger;
  }

  /**
   * Body of POST /v1/requests. requester may be omitted when the token is a person's own; emergency
   * asks for break-glass access where the role allows it.
   */
  public record CreateBody(String requestId, String requester, String app, String role, String duration, String reason,
      Boolean emergency) {}

  /** Body of POST /v1/requests/{id}/decision. */
  public record DecisionBody(String verdict, String actor, String comment) {}

  /** Body of POST /v1/requests/{id}/extend. */
  public record ExtendBody(String duration, String actor, String comment) {}

  /** Body of POST /v1/requests/{id}/revoke. */
  public record RevokeBody(String actor, String reason) {}

  @POST
  public Response create(@Auth Caller caller, CreateBody body) {
    CreateBody b = require(body);
    String requester = caller.actingAs(b.requester(), "requester");
    String requestId = b.requestId() != null ? b.requestId() : requestIds.next();
    AccessRequest request = intake.toRequest(new AccessRequestIntake.Ask(requestId, requester, b.app(), b.role(),
        b.duration(), b.reason(), Channel.REST, null, Boolean.TRUE.equals(b.emergency())));
    // An unknown or suspended requester, or a route nobody may complete, is a 422 now, not a FAILED workflow later.
    AccessRequestIntake.Admitted admitted = intake.checkRequester(request);
    gateway.start(admitted.request());
    return Response.created(URI.create("/v1/requests/" + requestId)).entity(CreatedView.of(requestId, admitted.route()))
        .build();
  }

  /** A page of the request list; {@code next} is the cursor of the following page, absent on the last. */
  public record RequestList(List<LedgerQueries.RequestLine> requests, String next) {}

  /** Requests from the ledger, newest first, however long ago they closed. */
  @GET
  public RequestList list(@QueryParam("requester") String requester, @QueryParam("app") String app,
      @QueryParam("role") String role, @QueryParam("status") String status, @QueryParam("from") String from,
      @QueryParam("to") String to, @QueryParam("cursor") String cursor,
      @QueryParam("limit") @DefaultValue("50") String limitText) {
    int limit = QueryParams.limit(limitText, 500);
    LedgerQueries.Page<LedgerQueries.RequestLine> page;
    try {
      page = ledger.requests(new LedgerQueries.RequestFilter(QueryParams.text(requester), QueryParams.text(app),
          QueryParams.text(role), QueryParams.status(status), QueryParams.instant(from, "from"),
          QueryParams.instant(to, "to")), QueryParams.text(cursor), limit);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid("cursor", e.getMessage());
    }
    return new RequestList(page.items(), page.next());
  }

  @GET
  @Path("/{id}")
  public RequestView get(@PathParam("id") String requestId) {
    return RequestView.of(gateway.state(requestId));
  }

  @POST
  @Path("/{id}/decision")
  public UpdateOutcome decide(@Auth Caller caller, @PathParam("id") String requestId,
      @HeaderParam("Idempotency-Key") String idempotencyKey, DecisionBody body) {
    DecisionBody b = require(body);
    Verdict verdict = verdict(b.verdict());
    String actor = caller.actingAs(b.actor(), "actor");
    return gateway.decide(requestId, new Decision(eventId(idempotencyKey), actor, verdict, Channel.REST,
        bounded(b.comment(), "comment")));
  }

  @POST
  @Path("/{id}/extend")
  public UpdateOutcome extend(@Auth Caller caller, @PathParam("id") String requestId,
      @HeaderParam("Idempotency-Key") String idempotencyKey, ExtendBody body) {
    ExtendBody b = require(body);
    if (b.duration() == null || b.duration().isBlank()) {
      throw ApiProblem.invalid("duration", "duration is required: the new total length of the grant, e.g. PT48H");
    }
    Duration duration;
    try {
      duration = Duration.parse(b.duration());
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid("duration", "'" + b.duration() + "' is not an ISO-8601 duration such as PT48H");
    }
    String actor = caller.actingAs(b.actor(), "actor");
    return gateway.extend(requestId, new Extension(eventId(idempotencyKey), actor, Channel.REST, duration,
        bounded(b.comment(), "comment")));
  }

  @POST
  @Path("/{id}/revoke")
  public UpdateOutcome revoke(@Auth Caller caller, @PathParam("id") String requestId,
      @HeaderParam("Idempotency-Key") String idempotencyKey, RevokeBody body) {
    RevokeBody b = body == null ? new RevokeBody(null, null) : body;
    String actor = caller.actingAs(b.actor(), "actor");
    return gateway.revoke(requestId, new Revocation(eventId(idempotencyKey), actor, Channel.REST,
        bounded(b.reason(), "reason")));
  }

  /** Free text lands in workflow history, on the ticket and in Slack: kept to a size all three take. */
  static final int MAX_COMMENT = 2000;

  private static String bounded(String text, String field) {
    if (text != null && text.length() > MAX_COMMENT) {
      throw ApiProblem.invalid(field, field + " is longer than " + MAX_COMMENT + " characters");
    }
    return text;
  }

  private static Verdict verdict(String text) {
    if (text == null || text.isBlank()) {
      throw ApiProblem.invalid("verdict", "verdict is required: APPROVE or DENY");
    }
    try {
      return Verdict.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid("verdict", "verdict must be APPROVE or DENY, not '" + text + "'");
    }
  }

  private String eventId(String idempotencyKey) {
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      return "rest-" + requestIds.next();
    }
    if (idempotencyKey.length() > 128) {
      throw ApiProblem.invalid("Idempotency-Key", "Idempotency-Key is longer than 128 characters");
    }
    return "rest-" + idempotencyKey;
  }

  private static <T> T require(T body) {
    if (body == null) {
      throw new ApiProblem(400, "a JSON body is required", null);
    }
    return body;
  }
}
