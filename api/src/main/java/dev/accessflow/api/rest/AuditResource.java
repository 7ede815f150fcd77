package dev.accessflow.api.rest;

import dev.accessflow.api.ApiProblem;
import dev.accessflow.ledger.AuditExport;
import dev.accessflow.ledger.LedgerQueries;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What the ledger remembers, for auditors: the hash-chained audit log as a stream, and who held
 * an access at a given moment. A person's own token reads only their own trail; the whole ledger
 * takes a trusted integration's token.
 */
@Path("/v1")
public final class AuditResource {
  private final AuditExport export;
  private final LedgerQueries ledger;
  private final Clock clock;

  public AuditResource(AuditExport export, LedgerQueries ledger, Clock clock) {
    this.export = export;
    this.ledger = ledger;
    this.clock = clock;
  }

  /** Who held which groups at the instant, from the grants. */
  public record AccessAt(Instant at, List<LedgerQueries.AccessHeld> access) {}

  @GET
  @Path("/audit/events")
  @Produces({"application/x-ndjson", "text/csv"})
  public Response events(@Auth Caller caller, @QueryParam("from") String from, @QueryParam("to") String to,
      @QueryParam("requestId") String requestId, @QueryParam("requester") String requester,
      @QueryParam("app") String app, @QueryParam("format") @DefaultValue("jsonl") String formatName) {
    AuditExport.Format format;
    try {
      format = AuditExport.Format.named(formatName);
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid("format", e.getMessage());
    }
    AuditExport.Filter filter = new AuditExport.Filter(QueryParams.instant(from, "from"), QueryParams.instant(to, "to"),
        QueryParams.text(requestId), whose(caller, QueryParams.text(requester)), QueryParams.text(app));
    StreamingOutput body = out -> export.write(filter, format, out);
    String name = "accessflow-audit-" + clock.instant().toString().replace(":", "") + (format == AuditExport.Format.CSV
        ? ".csv" : ".jsonl");
    return Response.ok(body, format.mediaType)
        .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
        // The verifier needs to know whether rows of other requests are left out on purpose.
        .header("X-Accessflow-Audit-Whole-Chain", Boolean.toString(filter.wholeChain()))
        .build();
  }

  @GET
  @Path("/access")
  @Produces(MediaType.APPLICATION_JSON)
  public AccessAt access(@Auth Caller caller, @QueryParam("at") String atText, @QueryParam("app") String app,
      @QueryParam("role") String role, @QueryParam("user") String user,
      @QueryParam("limit") @DefaultValue("1000") String limitText) {
    Instant at = QueryParams.instant(atText, "at");
    Instant when = at == null ? clock.instant() : at;
    return new AccessAt(when, ledger.accessAt(when, QueryParams.text(app), QueryParams.text(role),
        whose(caller, QueryParams.text(user)), QueryParams.limit(limitText, 10_000)));
  }

  /** The person whose rows a caller may read: anyone's for a trusted integration, else only their own. */
  private static String whose(Caller caller, String asked) {
    if (caller.actOnBehalf()) {
      return asked;
    }
    if (asked != null && !asked.equalsIgnoreCase(caller.principal())) {
      throw new ApiProblem(403, "this token belongs to " + caller.principal() + " and reads only its own audit trail", null);
    }
    return caller.principal();
  }
}
