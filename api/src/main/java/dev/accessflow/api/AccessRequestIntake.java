package dev.accessflow.api;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.api.catalog.CatalogRole;
import dev.accessflow.workflows.approval.RouteResolver;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.StageTimings;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what someone asked for (from REST, Slack or Jira) into a workflow input, checked against
 * the catalog. Everything is validated here, before any workflow starts.
 */
public final class AccessRequestIntake {
  private static final Logger log = LoggerFactory.getLogger(AccessRequestIntake.class);
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern LOGIN = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  static final int MAX_REASON = 2000;

  private final Catalog catalog;
  private final Duration approvalTimeout;
  private final PriorApprovals priorApprovals;
  private final RequesterCheck requesterCheck;
  private final Map<String, String> groupNames;

  /** How many times this person had this role approved before (for the "approved N times before" rule). */
  @FunctionalInterface
  public interface PriorApprovals {
    long count(String requester, String app, String role);
  }

  /**
   * Whether the IdP can grant this person anything, asked once at intake so that an unknown,
   * suspended or deprovisioned requester gets a refusal instead of a workflow that fails later.
   */
  @FunctionalInterface
  public interface RequesterCheck {
    /**
     * The IdP's answer about a requester.
     *
     * @param refusal why this login cannot be granted access, or null when it can (or the IdP could not be asked)
     * @param profile the person as the IdP knows them (manager, department), or null when not read
     */
    record Answer(String refusal, IdpUser profile) {}

    Answer check(String login);

    RequesterCheck ANYONE = login -> new Answer(null, null);
  }

  public AccessRequestIntake(Catalog catalog, Duration approvalTimeout) {
    this(catalog, approvalTimeout, (requester, app, role) -> 0);
  }

  public AccessRequestIntake(Catalog catalog, Duration approvalTimeout, PriorApprovals priorApprovals) {
    this(catalog, approvalTimeout, priorApprovals, RequesterCheck.ANYONE, Map.of());
  }

  /** @param groupNames the IdP's name of each catalog group id, where known (tickets name groups with it) */
  public AccessRequestIntake(Catalog catalog, Duration approvalTimeout, PriorApprovals priorApprovals,
      RequesterCheck requesterCheck, Map<String, String> groupNames) {
    this.catalog = catalog;
    this.approvalTimeout = approvalTimeout;
    this.priorApprovals = priorApprovals;
    this.requesterCheck = requesterCheck;
    this.groupNames = Map.copyOf(groupNames);
  }

  /**
   * Asks the IdP whether the request's requester can be granted access at all, and resolves the
   * route against their profile; throws a 422 naming the requester, or the stage nobody can
   * complete, when not. Separate from {@link #toRequest} so Slack can ask it after
   * acknowledging (an IdP call does not belong inside Slack's 3 seconds).
   */
  public Admitted checkRequester(AccessRequest request) {
    RequesterCheck.Answer answer = requesterCheck.check(request.requester());
    if (answer.refusal() != null) {
      throw ApiProblem.invalid("requester", request.requester() + " cannot be granted access: " + answer.refusal());
    }
    if (answer.profile() == null) {
      return new Admitted(request, request.route()); // the workflow resolves it once the IdP answers
    }
    // The same pure resolution the workflow runs, so the caller sees who decides and a route nobody
    // can complete is refused before any workflow starts.
    RouteResolver.Resolution resolution = RouteResolver.resolve(request.route(), request.requester(), answer.profile());
    if (resolution.failure() != null) {
      throw ApiProblem.invalid("role", request.app() + " / " + request.role() + " cannot be routed for "
          + request.requester() + ": " + resolution.failure());
    }
    // The workflow gets the profile the IdP just gave, so it does not ask again.
    return new Admitted(request.withRequesterProfile(answer.profile()), resolution.route());
  }

  /**
   * A request the IdP check let through.
   *
   * @param request what to start: with the requester's profile when the IdP answered
   * @param route the route as the workflow will run it (the catalog's own when the IdP could not be asked)
   */
  public record Admitted(AccessRequest request, List<ApprovalStage> route) {}

  /**
   * What was asked for, as received.
   *
   * @param duration may be blank when the role's tier requires no expiry (the grant then runs for maxDuration)
   * @param emergency break-glass: granted at once when the role allows it, reviewed afterwards
   */
  public record Ask(String requestId, String requester, String app, String role, String duration, String reason,
      Channel source, String ticketKey, boolean emergency) {
    public Ask(String requestId, String requester, String app, String role, String duration, String reason,
        Channel source, String ticketKey) {
      this(requestId, requester, app, role, duration, reason, source, ticketKey, false);
    }
  }

  /** Whether text has the shape of a request id (what a Slack button or Jira property may name). */
  public static boolean isRequestId(String text) {
    return text != null && REQUEST_ID.matcher(text).matches();
  }

  /** Validates the ask and builds the workflow input, or throws an {@link ApiProblem} naming the field. */
  public AccessRequest toRequest(Ask ask) {
    if (ask.requestId() != null && !REQUEST_ID.matcher(ask.requestId()).matches()) {
      throw ApiProblem.invalid("requestId", "requestId must be 1-64 letters, digits, '.', '-' or '_', starting with a letter or digit");
    }
    if (ask.requester() == null || !LOGIN.matcher(ask.requester()).matches()) {
      throw ApiProblem.invalid("requester", "requester must be the requester's IdP login (an email address)");
    }
    if (blank(ask.app())) {
      throw ApiProblem.invalid("app", "app is required; GET /v1/catalog lists the apps");
    }
    Catalog offered = catalog.requestable();
    CatalogApp listed = catalog.app(ask.app()).orElseThrow(() -> ApiProblem.invalid("app",
        "unknown app '" + ask.app() + "'; known apps: " + String.join(", ", offered.apps().keySet())));
    if (!listed.approved()) {
      throw ApiProblem.invalid("app", "app '" + listed.id() + "' is in the catalog but not approved for requests yet"
          + " (approved: false); known apps: " + String.join(", ", offered.apps().keySet()));
    }
    CatalogApp app = listed;
    if (blank(ask.role())) {
      throw ApiProblem.invalid("role", "role is required; roles of " + app.id() + ": " + String.join(", ", app.roles().keySet()));
    }
    CatalogRole role = app.role(ask.role()).orElseThrow(() -> ApiProblem.invalid("role",
        "unknown role '" + ask.role() + "' for app " + app.id() + "; its roles: " + String.join(", ", app.roles().keySet())));
    if (!role.approved()) {
      throw ApiProblem.invalid("role", "role '" + role.id() + "' of app " + app.id()
          + " is not approved for requests yet (approved: false)");
    }
    if (ask.emergency() && role.breakGlass() == null) {
      throw ApiProblem.invalid("emergency", app.id() + " / " + role.id() + " does not allow break-glass access;"
          + " ask for it normally");
    }
    Duration duration;
    if (blank(ask.duration()) && ask.emergency()) {
      duration = role.breakGlass().maxDuration();
    } else if (blank(ask.duration()) && !role.expiryRequired()) {
      duration = role.maxDuration(); // the tier needs no expiry: the longest grant the role allows, still revoked at its end
    } else if (blank(ask.duration())) {
      throw ApiProblem.invalid("duration", "duration is required; " + allowed(role));
    } else {
      try {
        duration = Duration.parse(ask.duration());
      } catch (DateTimeParseException e) {
        throw ApiProblem.invalid("duration", "'" + ask.duration() + "' is not an ISO-8601 duration; " + allowed(role));
      }
      if (ask.emergency()) {
        if (duration.compareTo(role.breakGlass().maxDuration()) > 0) {
          throw ApiProblem.invalid("duration", "break-glass access to " + app.id() + " / " + role.id() + " lasts at most "
              + role.breakGlass().maxDuration() + "; ask for " + role.breakGlass().maxDuration() + " or less");
        }
      } else if (!role.allows(duration)) {
        throw ApiProblem.invalid("duration", duration + " is not allowed for " + app.id() + " / " + role.id() + "; " + allowed(role));
      }
    }
    if (blank(ask.reason())) {
      throw ApiProblem.invalid("reason", "reason is required: say why you need this access");
    }
    if (ask.reason().length() > MAX_REASON) {
      throw ApiProblem.invalid("reason", "reason is longer than " + MAX_REASON + " characters");
    }
    String requester = ask.requester().toLowerCase();
    // The "approved N times before" rule is looked up here, at submission: the workflow must not read
    // other workflows, and the count it was decided on is recorded in the request (and on the ticket).
    String autoApprovedBy = null;
    int needed = role.autoApprove().approvedBefore();
    if (!ask.emergency() && needed > 0) {
      long before;
      try {
        before = priorApprovals.count(requester, app.id(), role.id());
      } catch (RuntimeException e) {
        // The ledger is down: the rule cannot be checked, so people decide (never the reverse).
        log.warn("approved-before rule for {} / {} not checked, the approval history is unavailable ({}); people decide",
            app.id(), role.id(), e.toString());
        before = 0;
      }
      if (before >= needed) {
        autoApprovedBy = "the same request was approved " + before + " times before (rule: " + needed + ")";
      }
    }
    RequestPolicy policy = new RequestPolicy(role.autoApprove().departments(), autoApprovedBy, role.selfExtend(),
        ask.emergency(), ask.emergency() ? role.breakGlass().reviewTimings() : StageTimings.DEFAULT,
        role.expiringSoonLead());
    Map<String, String> names = new LinkedHashMap<>();
    for (String group : role.groups()) {
      if (groupNames.containsKey(group)) {
        names.put(group, groupNames.get(group));
      }
    }
    return new AccessRequest(ask.requestId(), requester, app.id(), role.id(), role.groups(),
        role.risk().yaml(), duration, role.maxDuration(), ask.reason().strip(), ask.source(),
        ask.emergency() ? role.breakGlass().review() : role.route(), approvalTimeout, ask.ticketKey(), policy, names, null);
  }

  private static String allowed(CatalogRole role) {
    return "allowed: " + String.join(", ", role.durations().stream().map(Duration::toString).toList());
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
