package dev.accessflow.api;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.api.catalog.CatalogRole;
import dev.accessflow.workflows.AccessRequest;
import dev.accessflow.workflows.ApprovalStage;
import dev.accessflow.workflows.Channel;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns what someone asked for (from REST, Slack or Jira) into a workflow input, checked against
 * the catalog. Everything is validated here, before any workflow starts.
 */
public final class AccessRequestIntake {
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Pattern LOGIN = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  static final int MAX_REASON = 2000;

  private final Catalog catalog;
  private final Duration approvalTimeout;

  public AccessRequestIntake(Catalog catalog, Duration approvalTimeout) {
    this.catalog = catalog;
    this.approvalTimeout = approvalTimeout;
  }

  /** What was asked for, as received. */
  public record Ask(String requestId, String requester, String app, String role, String duration, String reason,
      Channel source, String ticketKey) {}

  /** Validates the ask and builds the workflow input, or throws an {@link ApiProblem} naming the field. */
  public AccessRequest toRequest(Ask ask) {
    if (ask.requestId() != null && !REQUEST_ID.matcher(ask.requestId()).matches()) {
      throw ApiProblem.invalid("requestId", "requestId must be 1-64 letters, digits, '-' or '_', starting with a letter or digit");
    }
    if (ask.requester() == null || !LOGIN.matcher(ask.requester()).matches()) {
      throw ApiProblem.invalid("requester", "requester must be the requester's IdP login (an email address)");
    }
    if (blank(ask.app())) {
      throw ApiProblem.invalid("app", "app is required; GET /v1/catalog lists the apps");
    }
    CatalogApp app = catalog.app(ask.app()).orElseThrow(() -> ApiProblem.invalid("app",
        "unknown app '" + ask.app() + "'; known apps: " + String.join(", ", catalog.apps().keySet())));
    if (blank(ask.role())) {
      throw ApiProblem.invalid("role", "role is required; roles of " + app.id() + ": " + String.join(", ", app.roles().keySet()));
    }
    CatalogRole role = app.role(ask.role()).orElseThrow(() -> ApiProblem.invalid("role",
        "unknown role '" + ask.role() + "' for app " + app.id() + "; its roles: " + String.join(", ", app.roles().keySet())));
    if (blank(ask.duration())) {
      throw ApiProblem.invalid("duration", "duration is required; " + allowed(role));
    }
    Duration duration;
    try {
      duration = Duration.parse(ask.duration());
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid("duration", "'" + ask.duration() + "' is not an ISO-8601 duration; " + allowed(role));
    }
    if (!role.allows(duration)) {
      throw ApiProblem.invalid("duration", duration + " is not allowed for " + app.id() + " / " + role.id() + "; " + allowed(role));
    }
    if (blank(ask.reason())) {
      throw ApiProblem.invalid("reason", "reason is required: say why you need this access");
    }
    if (ask.reason().length() > MAX_REASON) {
      throw ApiProblem.invalid("reason", "reason is longer than " + MAX_REASON + " characters");
    }
    List<ApprovalStage> route = role.approvers().isEmpty()
        ? List.of()
        : List.of(ApprovalStage.anyOf(app.id() + " approvers", role.approvers()));
    return new AccessRequest(ask.requestId(), ask.requester().toLowerCase(), app.id(), role.id(), role.groups(),
        role.risk().yaml(), duration, role.maxDuration(), ask.reason().strip(), ask.source(), route, approvalTimeout,
        ask.ticketKey());
  }

  private static String allowed(CatalogRole role) {
    return "allowed: " + String.join(", ", role.durations().stream().map(Duration::toString).toList());
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
