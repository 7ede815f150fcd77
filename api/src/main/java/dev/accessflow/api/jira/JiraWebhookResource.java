package dev.accessflow.api.jira;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.api.AccessRequestGateway;
import dev.accessflow.api.AccessRequestIntake;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.rest.ApiError;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jira Cloud admin webhook at {@code POST /jira/webhook} (outside /v1: Jira signs with a shared
 * secret, it has no bearer token). An issue created in the request project starts a workflow
 * (request id = issue key); an issue moved to the approved or declined status decides it.
 *
 * <p>The payload is only a hint: the issue is re-read from the Jira API before acting, so a forged
 * or stale body cannot choose the requester, the fields or the approver. Answers are quick and
 * never 5xx for bad input (Jira retries 5xx); 503 only when Jira itself could not be read.
 */
@Path("/jira/webhook")
@Produces(MediaType.APPLICATION_JSON)
public final class JiraWebhookResource {
  private static final Logger log = LoggerFactory.getLogger(JiraWebhookResource.class);

  static final int MAX_BODY_BYTES = 256 * 1024;
  public static final String SIGNATURE_HEADER = "X-Hub-Signature";
  public static final String EVENT_ID_HEADER = "X-Atlassian-Webhook-Identifier";
  static final String ISSUE_CREATED = "jira:issue_created";
  static final String ISSUE_UPDATED = "jira:issue_updated";
  static final String COMMENT_CREATED = "comment_created";
  private static final int MAX_EVENT_ID = 128;
  private static final int REMEMBERED_EVENTS = 2000;

  private final JiraIssues issues;
  private final AccessRequestIntake intake;
  private final AccessRequestGateway gateway;
  private final JiraWebhookSettings settings;
  private final WebhookSignatureVerifier verifier;
  private final ObjectMapper json;
  /**
   * Deliveries already handled by this replica. Workflow start and updates are idempotent anyway;
   * this only spares Jira a second identical comment when a refused or invalid delivery is retried.
   */
  private final Set<String> handled = Collections.newSetFromMap(Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > REMEMBERED_EVENTS;
        }
      }));

  private final JiraReviewComments reviews;

  /**
   * @param verifier signature check; null accepts unsigned deliveries (only when no secret is configured)
   * @param reviews review decisions in comments on a campaign's issue; null to ignore comments
   */
  public JiraWebhookResource(JiraIssues issues, AccessRequestIntake intake, AccessRequestGateway gateway,
      JiraWebhookSettings settings, WebhookSignatureVerifier verifier, ObjectMapper json, JiraReviewComments reviews) {
    this.reviews = reviews;
    this.issues = issues;
    this.intake = intake;
    this.gateway = gateway;
    this.settings = settings;
    this.verifier = verifier;
    this.json = json;
  }

  /** What the webhook did with a delivery (Jira ignores it; it helps when replaying by hand). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Result(String result, String issueKey, String detail) {}

  @POST
  @Consumes(MediaType.WILDCARD)
  public Response receive(@HeaderParam(SIGNATURE_HEADER) String signature, @HeaderParam(EVENT_ID_HEADER) String eventId,
      InputStream body) {
    byte[] raw;
    try {
      raw = body == null ? new byte[0] : body.readNBytes(MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      return error(400, "the request body could not be read");
    }
    if (raw.length > MAX_BODY_BYTES) {
      return error(413, "request body is larger than " + MAX_BODY_BYTES + " bytes");
    }
    // Verify the exact bytes before parsing: anything re-serialised would not match the HMAC.
    if (verifier != null && !verifier.verify(raw, signature)) {
      log.warn("Jira webhook delivery rejected: {} signature", signature == null ? "missing" : "invalid");
      return error(401, signature == null ? "missing " + SIGNATURE_HEADER + " signature" : "the signature is not valid");
    }
    JsonNode payload;
    try {
      payload = json.readTree(raw);
    } catch (JsonProcessingException e) {
      return error(400, "the body is not valid JSON");
    } catch (IOException e) {
      return error(400, "the body could not be read");
    }
    if (payload == null || !payload.isObject()) {
      return error(400, "the body must be a JSON object");
    }
    if (eventId != null && (eventId.isBlank() || eventId.length() > MAX_EVENT_ID)) {
      return error(400, EVENT_ID_HEADER + " must be 1-" + MAX_EVENT_ID + " characters");
    }
    String event = payload.path("webhookEvent").asText("");
    String issueKey = payload.path("issue").path("key").asText(null);
    if (event.equals(COMMENT_CREATED) && reviews != null) {
      return comment(issueKey, payload.path("comment").path("id").asText(null), eventId);
    }
    if (!event.equals(ISSUE_CREATED) && !event.equals(ISSUE_UPDATED)) {
      return ok(new Result("ignored", issueKey, "event '" + event + "' is not handled"));
    }
    if (issueKey == null || issueKey.isBlank()) {
      return error(400, "issue.key is missing");
    }
    if (eventId != null && handled.contains(eventId)) {
      return ok(new Result("duplicate", issueKey, "delivery already handled"));
    }
    Response response;
    try {
      response = event.equals(ISSUE_CREATED) ? created(issueKey) : updated(issueKey, payload, eventId);
    } catch (JiraIssues.Unavailable e) {
      // Not bad input: a 503 makes Jira deliver again later, when its API may answer.
      log.warn("Jira webhook {} for {}: Jira unavailable: {}", event, issueKey, e.getMessage());
      return error(503, "Jira could not be read; deliver again later");
    }
    if (eventId != null) {
      handled.add(eventId);
    }
    Result result = (Result) response.getEntity();
    log.info("Jira webhook {} {} -> {}", event, issueKey, result.result());
    return response;
  }

  // ---- jira:issue_created: start a request ----

  private Response created(String issueKey) {
    Optional<String> openedFor = issues.openedFor(issueKey);
    if (openedFor.isPresent()) {
      // accessflow opened this issue itself, for a REST or Slack request: its own echo, not a new request.
      return ok(new Result("ignored", issueKey, "opened by accessflow for request " + openedFor.get()));
    }
    Optional<JiraIssues.RequestIssue> found = issues.requestIssue(issueKey);
    if (found.isEmpty()) {
      return ok(new Result("ignored", issueKey, "issue not found in Jira"));
    }
    JiraIssues.RequestIssue issue = found.get();
    if (!settings.projectKey().equalsIgnoreCase(issue.projectKey())) {
      return ok(new Result("ignored", issueKey, "not in project " + settings.projectKey()));
    }
    String requester = issue.reporterAccountId() == null ? null : issues.email(issue.reporterAccountId()).orElse(null);
    if (requester == null) {
      issues.comment(issueKey, "accessflow cannot start this access request: the reporter's email address could not"
          + " be read from Jira (the profile may hide it). Ask a Jira admin to make it visible, then open a new issue.");
      return ok(new Result("rejected", issueKey, "reporter email unknown"));
    }
    AccessRequest request;
    try {
      request = intake.toRequest(new AccessRequestIntake.Ask(issueKey, requester, issue.app(), issue.role(),
          issue.duration(), issue.reason(), Channel.JIRA, issueKey));
      request = intake.checkRequester(request).request();
    } catch (ApiProblem problem) {
      String field = problem.field() == null ? "" : " (field: " + problem.field() + ")";
      issues.comment(issueKey, "accessflow cannot start this access request" + field + ": " + problem.getMessage()
          + ". Correct the field and open a new issue.");
      return ok(new Result("rejected", issueKey, problem.getMessage()));
    }
    try {
      gateway.start(request);
    } catch (ApiProblem problem) {
      if (problem.status() == 409) {
        // A retried delivery (or a second webhook) for a request that is already running.
        return ok(new Result("duplicate", issueKey, "request already exists"));
      }
      throw problem;
    }
    return Response.status(202).type(MediaType.APPLICATION_JSON_TYPE)
        .entity(new Result("started", issueKey, null)).build();
  }

  // ---- comment_created: review decisions on a campaign's issue ----

  private Response comment(String issueKey, String commentId, String eventId) {
    if (issueKey == null || issueKey.isBlank() || commentId == null || !commentId.matches("[0-9]{1,20}")) {
      return error(400, "issue.key and comment.id are required");
    }
    if (eventId != null && handled.contains(eventId)) {
      return ok(new Result("duplicate", issueKey, "delivery already handled"));
    }
    try {
      Optional<String> owner = issues.openedFor(issueKey);
      if (owner.isEmpty() || !owner.get().startsWith(JiraReviewComments.REVIEW_PREFIX)) {
        return ok(new Result("ignored", issueKey, "not the issue of an access review"));
      }
      String detail = reviews.handle(issueKey, owner.get().substring(JiraReviewComments.REVIEW_PREFIX.length()),
          commentId);
      if (eventId != null) {
        handled.add(eventId);
      }
      log.info("Jira webhook comment on review issue {} -> {}", issueKey, detail);
      return ok(new Result("review", issueKey, detail));
    } catch (JiraIssues.Unavailable e) {
      log.warn("Jira webhook comment on {}: Jira unavailable: {}", issueKey, e.getMessage());
      return error(503, "Jira could not be read; deliver again later");
    }
  }

  // ---- jira:issue_updated: approve or deny ----

  private Response updated(String issueKey, JsonNode payload, String eventId) {
    // Cheap filter on the hint first: most updates are edits that touch no status.
    if (!movesToDecisionStatus(payload)) {
      return ok(new Result("ignored", issueKey, "no move to '" + settings.approvedStatus() + "' or '"
          + settings.declinedStatus() + "'"));
    }
    Optional<JiraIssues.StatusChange> latest = issues.latestStatusChange(issueKey);
    if (latest.isEmpty()) {
      return ok(new Result("ignored", issueKey, "no status change found in Jira"));
    }
    JiraIssues.StatusChange change = latest.get();
    Verdict verdict = verdict(change.toStatus());
    if (verdict == null) {
      // The issue has already moved on; the delivery is stale.
      return ok(new Result("ignored", issueKey, "the issue is no longer in a decision status"));
    }
    String actor = change.authorAccountId() == null ? null : issues.email(change.authorAccountId()).orElse(null);
    if (actor != null && actor.equalsIgnoreCase(settings.serviceAccountEmail())) {
      // accessflow moved the issue itself (following the request's status): an echo, not a decision.
      return ok(new Result("ignored", issueKey, "status set by accessflow"));
    }
    String what = verdict == Verdict.APPROVE ? "approval" : "denial";
    if (actor == null) {
      return refuse(issueKey, change, what, "the email address of the person who moved the issue could not be read"
          + " from Jira, so accessflow cannot check that they may decide");
    }
    // An issue accessflow opened for a REST or Slack request decides that request; the property is only
    // a hint, so the request must name this issue as its ticket.
    String requestId = issues.openedFor(issueKey).orElse(issueKey);
    if (!requestId.equals(issueKey)) {
      String ticket;
      try {
        ticket = gateway.state(requestId).ticketKey();
      } catch (ApiProblem problem) {
        ticket = null;
      }
      if (ticket == null || !ticket.equalsIgnoreCase(issueKey)) {
        return refuse(issueKey, change, what, "this issue is not the ticket of request " + requestId);
      }
    }
    String decisionId = eventId != null ? eventId : "changelog-" + issueKey + "-" + change.historyId();
    UpdateOutcome outcome;
    try {
      outcome = gateway.decide(requestId, new Decision(decisionId, actor.toLowerCase(), verdict, Channel.JIRA, null));
    } catch (ApiProblem problem) {
      if (problem.status() == 404) {
        return ok(new Result("ignored", issueKey, "no access request for this issue"));
      }
      return refuse(issueKey, change, what, problem.getMessage());
    }
    return ok(new Result("decided", issueKey, (requestId.equals(issueKey) ? "" : requestId + ": ")
        + (outcome.status() == null ? "" : outcome.status().name())));
  }

  private Response refuse(String issueKey, JiraIssues.StatusChange change, String what, String reason) {
    boolean moved = change.fromStatus() != null && issues.moveTo(issueKey, change.fromStatus());
    issues.comment(issueKey, "accessflow did not apply this " + what + ": " + reason + "."
        + (moved ? " The issue was moved back to '" + change.fromStatus() + "'." : ""));
    return ok(new Result("refused", issueKey, reason));
  }

  private boolean movesToDecisionStatus(JsonNode payload) {
    for (JsonNode item : payload.path("changelog").path("items")) {
      if ("status".equals(item.path("field").asText()) || "status".equals(item.path("fieldId").asText())) {
        return verdict(item.path("toString").asText(null)) != null;
      }
    }
    return false;
  }

  private Verdict verdict(String status) {
    if (status == null) {
      return null;
    }
    if (status.equalsIgnoreCase(settings.approvedStatus())) {
      return Verdict.APPROVE;
    }
    return status.equalsIgnoreCase(settings.declinedStatus()) ? Verdict.DENY : null;
  }

  private static Response ok(Result result) {
    return Response.ok(result, MediaType.APPLICATION_JSON_TYPE).build();
  }

  private static Response error(int status, String message) {
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(status, message, null)).build();
  }
}
