package dev.accessflow.api.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.ReclaimGateway;
import dev.accessflow.api.ReclaimKeeps;
import dev.accessflow.api.ReclaimWorkflows;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.ledger.ReclaimRules;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.Channel;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Auto-reclaim over REST: what was found and what became of it ({@code GET /v1/reclaim?state=}),
 * the runs, a scan started now, and "Keep access" with a reason. An app's owners and trusted
 * integrations see and start everything of the app; anyone else sees their own items.
 */
@Path("/v1/reclaim")
@Produces(MediaType.APPLICATION_JSON)
public final class ReclaimResource {
  static final int MAX_PAGE = 500;
  static final List<String> STATES = List.of(ReclaimRules.WARNED, ReclaimRules.KEEP_REQUESTED, ReclaimRules.REMOVING,
      ReclaimRules.REMOVED, ReclaimRules.KEPT, ReclaimRules.WOULD_RECLAIM, ReclaimRules.EXEMPT,
      ReclaimRules.NO_SIGNAL_KEPT);

  private final Catalog catalog;
  private final ReclaimLedger ledger;
  private final ReclaimWorkflows workflows;
  private final ReclaimKeeps keeps;
  private final Clock clock;

  public ReclaimResource(Catalog catalog, ReclaimLedger ledger, ReclaimWorkflows workflows, ReclaimKeeps keeps,
      Clock clock) {
    this.catalog = catalog;
    this.ledger = ledger;
    this.workflows = workflows;
    this.keeps = keeps;
    this.clock = clock;
  }

  /** {@code {"app": "grafana"}} */
  public record RunBody(String app) {}

  /** {@code {"reason": "month-end close"}}; {@code actor} only from a token that acts on behalf of people. */
  public record KeepBody(String reason, String actor) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ItemView(long itemId, String runId, String app, String role, String login, List<String> groups,
      String mode, String state, String signal, Instant lastUsed, String finding, Instant warnedAt,
      Instant graceEndsAt, String reason, String decidedBy, String decidedVia, Instant decidedAt, Instant removedAt,
      String detail, String error, Integer attempts, Instant nextAttemptAt, Instant notifiedAt, String manager,
      String managerNotice) {
    static ItemView of(ReclaimLedger.Item i) {
      return new ItemView(i.itemId(), i.runId(), i.app(), i.role(), i.login(), i.groups(), i.mode(), i.state(),
          i.signal(), i.lastUsed(), i.finding(), i.warnedAt(), i.graceEndsAt(), i.reason(), i.decidedBy(),
          i.decidedVia(), i.decidedAt(), i.removedAt(), i.detail(), i.error(), i.attempts() == 0 ? null : i.attempts(),
          i.nextAttemptAt(), i.notifiedAt(), i.manager(), i.managerNotice());
    }
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ItemList(List<ItemView> items, String next) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RunView(String runId, String app, String state, String startedBy, String startedVia,
      Instant startedAt, String ticketKey, Instant closedAt, String workflowId, ReclaimLedger.Counts counts) {
    static RunView of(ReclaimLedger.Run r, ReclaimLedger.Counts counts) {
      return new RunView(r.runId(), r.app(), r.state(), r.startedBy(), r.startedVia(), r.startedAt(), r.ticketKey(),
          r.closedAt(), AccessflowTemporal.reclaimWorkflowId(r.runId()), counts);
    }
  }

  public record RunList(List<RunView> runs) {}

  @GET
  public ItemList items(@Auth Caller caller, @QueryParam("state") String state, @QueryParam("app") String app,
      @QueryParam("run") String run, @QueryParam("login") String login, @QueryParam("cursor") String cursor,
      @QueryParam("limit") String limit) {
    String filterState = QueryParams.text(state);
    if (filterState != null && !STATES.contains(filterState)) {
      throw ApiProblem.invalid("state", "state must be one of " + String.join(", ", STATES) + ", not '"
          + filterState + "'");
    }
    String filterApp = QueryParams.text(app);
    String filterRun = QueryParams.text(run);
    if (filterRun != null) {
      ReclaimLedger.Run r = ledger.run(filterRun).orElseThrow(() -> new ApiProblem(404, "no reclaim run " + filterRun,
          "run"));
      filterApp = filterApp == null ? r.app() : filterApp;
    }
    // Whoever does not own the app (or act for people) sees their own items only.
    String whose = seesAll(caller, filterApp) ? QueryParams.text(login) : caller.principal();
    long after = cursor == null || cursor.isBlank() ? 0 : id(cursor, "cursor");
    int n = limit == null || limit.isBlank() ? 100 : QueryParams.limit(limit, MAX_PAGE);
    List<ReclaimLedger.Item> items = ledger.items(new ReclaimLedger.ItemFilter(filterState, filterApp, filterRun,
        whose), after, n);
    return new ItemList(items.stream().map(ItemView::of).toList(),
        items.size() == n ? Long.toString(items.get(items.size() - 1).itemId()) : null);
  }

  @GET
  @Path("/runs")
  public RunList runs(@Auth Caller caller, @QueryParam("app") String app, @QueryParam("limit") String limit) {
    String filterApp = QueryParams.text(app);
    int n = limit == null || limit.isBlank() ? 50 : QueryParams.limit(limit, MAX_PAGE);
    return new RunList(ledger.runs(filterApp, n).stream().filter(r -> seesAll(caller, r.app()))
        .map(r -> RunView.of(r, ledger.counts(r.runId()))).toList());
  }

  @GET
  @Path("/runs/{runId}")
  public RunView run(@Auth Caller caller, @PathParam("runId") String runId) {
    ReclaimLedger.Run r = ledger.run(runId).filter(found -> seesAll(caller, found.app()))
        .orElseThrow(() -> new ApiProblem(404, "no reclaim run " + QueryParams.text(runId), "runId"));
    return RunView.of(r, ledger.counts(runId));
  }

  /** Starts a scan of the app now (its policy decides dry-run or enforce); 202 with the run. */
  @POST
  @Path("/run")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response start(@Auth Caller caller, RunBody body) {
    if (body == null || body.app() == null || body.app().isBlank()) {
      throw ApiProblem.invalid("app", "app is required: the catalog app to scan for unused access");
    }
    String appId = body.app().strip();
    CatalogApp app = catalog.app(appId).orElseThrow(() -> new ApiProblem(404, "no app '" + QueryParams.text(appId)
        + "' in the catalog", "app"));
    if (app.reclaimScan().isEmpty()) {
      throw new ApiProblem(409, "no-reclaim-policy: the catalog gives " + appId + " no reclaim: policy;"
          + " add one (start with mode: dry-run) to scan it", "app");
    }
    if (!seesAll(caller, appId)) {
      throw new ApiProblem(403, "only an owner of " + appId + " or a trusted integration may start a reclaim scan of it",
          "app");
    }
    Instant now = clock.instant();
    ReclaimLedger.Run run = new ReclaimLedger.Run(ReclaimGateway.runId(appId, now), appId,
        caller.principal().toLowerCase(java.util.Locale.ROOT), "rest", now, ReclaimLedger.SCANNING, null, null);
    if (!workflows.start(run)) {
      throw new ApiProblem(409, "a reclaim run of " + appId + " started this second already (" + run.runId()
          + "); GET /v1/reclaim/runs/" + run.runId(), "app");
    }
    return Response.status(202).entity(RunView.of(ledger.run(run.runId()).orElse(run), ledger.counts(run.runId())))
        .build();
  }

  @POST
  @Path("/items/{itemId}/keep")
  @Consumes(MediaType.APPLICATION_JSON)
  public ItemView keep(@Auth Caller caller, @PathParam("itemId") String itemId, KeepBody body) {
    if (body == null) {
      throw ApiProblem.invalid("reason", "a JSON body with reason (why the access is still needed) is required");
    }
    String actor = caller.actingAs(body.actor(), "actor");
    return ItemView.of(keeps.keep(id(itemId, "itemId"), actor, body.reason(), Channel.REST));
  }

  private boolean seesAll(Caller caller, String app) {
    if (caller.actOnBehalf()) {
      return true;
    }
    return app != null && catalog.app(app)
        .map(a -> a.owners().stream().anyMatch(caller.principal()::equalsIgnoreCase)).orElse(false);
  }

  private static long id(String value, String field) {
    try {
      long id = Long.parseLong(value.strip());
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw ApiProblem.invalid(field, field + " must be a positive number, not '" + QueryParams.text(value) + "'");
  }
}
