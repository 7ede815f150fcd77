package dev.accessflow.worker;

import dev.accessflow.activities.sandbox.SandboxDirectory;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.InventorySignals;
import dev.accessflow.api.okta.OktaEventHookResource;
import dev.accessflow.workflows.ports.AppSignIns;
import dev.accessflow.api.rest.Caller;
import dev.accessflow.workflows.model.MembershipChange;
import io.dropwizard.auth.Auth;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.UUID;

/**
 * The sandbox IdP's own console (only with the sandbox IdP): who is in which group, changes made
 * in the directory behind accessflow's back, and sign-ins. An out-of-band change reaches the
 * inventory the way an Okta event hook does.
 */
@Path("/v1/sandbox")
@Produces(MediaType.APPLICATION_JSON)
public final class SandboxResource {
  private final SandboxDirectory directory;
  private final InventorySignals inventory;
  private final Function<String, Optional<String>> idpAppOf;
  private final OktaEventHookResource.AppSignInSink signIns;
  private final Clock clock;

  /**
   * @param idpAppOf a catalog app's reclaim idpApp, by the app's name
   * @param signIns where a sign-in to an app goes at once, as an Okta event hook would send it
   */
  public SandboxResource(SandboxDirectory directory, InventorySignals inventory,
      Function<String, Optional<String>> idpAppOf, OktaEventHookResource.AppSignInSink signIns, Clock clock) {
    this.directory = directory;
    this.inventory = inventory;
    this.idpAppOf = idpAppOf;
    this.signIns = signIns;
    this.clock = clock;
  }

  /** An admin's change in the directory: {@code {"group": "grafana-admins", "login": "ed@example.com", "action": "add"}}. */
  public record ChangeBody(String group, String login, String action) {}

  /**
   * A sign-in: {@code {"login": "dana@example.com"}} to the IdP, or with {@code "app": "grafana"}
   * to an app (a catalog app's name, whose reclaim {@code idpApp} the log records, or an IdP app id).
   */
  public record SignInBody(String login, String app) {}

  public record Changed(String group, String login, String action, boolean changed, String eventId) {}

  /** @param idpApp the IdP app id the sign-in was recorded for; null for a sign-in to the IdP only */
  public record SignedIn(String login, Instant at, String idpApp) {}

  @GET
  @Path("/memberships")
  public Map<String, List<String>> memberships() {
    return directory.memberships();
  }

  @POST
  @Path("/memberships")
  public Changed change(@Auth Caller caller, ChangeBody body) {
    if (body == null || blank(body.group()) || blank(body.login()) || blank(body.action())) {
      throw ApiProblem.invalid("body", "group, login and action (add or remove) are required");
    }
    boolean add = switch (body.action().strip()) {
      case "add" -> true;
      case "remove" -> false;
      default -> throw ApiProblem.invalid("action", "action must be add or remove, not '" + body.action() + "'");
    };
    if (!directory.groups().contains(body.group().strip())) {
      throw new ApiProblem(404, "the sandbox directory has no group " + body.group(), "group");
    }
    boolean changed;
    try {
      changed = directory.changeOutOfBand(body.group().strip(), body.login().strip(), add);
    } catch (IllegalArgumentException e) {
      throw new ApiProblem(404, e.getMessage(), "login");
    }
    String eventId = null;
    if (changed) {
      eventId = "sandbox-" + UUID.randomUUID();
      inventory.changed(List.of(new MembershipChange(eventId, body.group().strip(), directory.idOf(body.login().strip()),
          body.login().strip().toLowerCase(), add, clock.instant(), "sandbox console (" + caller.principal() + ")")));
    }
    return new Changed(body.group().strip(), body.login().strip().toLowerCase(), add ? "add" : "remove", changed, eventId);
  }

  @POST
  @Path("/sign-ins")
  public SignedIn signIn(@Auth Caller caller, SignInBody body) {
    if (body == null || blank(body.login())) {
      throw ApiProblem.invalid("login", "login is required");
    }
    String idpApp = null;
    if (!blank(body.app())) {
      String app = body.app().strip();
      idpApp = idpAppOf.apply(app).orElse(app);
      if (!idpApp.matches("[A-Za-z0-9_-]{1,100}")) {
        throw ApiProblem.invalid("app", "'" + app + "' is neither a catalog app with a reclaim idpApp nor an IdP app id");
      }
    }
    String login = body.login().strip().toLowerCase();
    Instant at;
    try {
      at = directory.signIn(login, idpApp, clock.instant());
    } catch (IllegalArgumentException e) {
      throw new ApiProblem(404, e.getMessage(), "login");
    }
    if (idpApp != null) {
      signIns.signedIn(idpApp, List.of(new AppSignIns.SignIn(login, directory.idOf(login), at)));
    }
    return new SignedIn(login, at, idpApp);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
