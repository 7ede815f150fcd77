package dev.accessflow.activities.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.accessflow.activities.jira.JiraModel.Comment;
import dev.accessflow.activities.jira.JiraModel.EntityProperty;
import dev.accessflow.activities.jira.JiraModel.Issue;
import dev.accessflow.activities.jira.JiraModel.IssueCreateRequest;
import dev.accessflow.activities.jira.JiraModel.SearchRequest;
import dev.accessflow.activities.jira.JiraModel.Transition;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.ports.AccessTickets;
import io.temporal.activity.Activity;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ticket port on Jira Cloud: one issue per access request, one comment per audit step, and
 * the issue's status following the request through a configurable status map.
 *
 * <p>Idempotency, because Temporal retries every call until it succeeds:
 * <ul>
 *   <li>openTicket creates the issue with a label {@code accessflow-<requestId>} and the entity
 *       property {@code accessflow.requestId} in the same create call, and searches for that
 *       label before creating, so a retry adopts the issue an earlier attempt made.
 *   <li>record keeps the last written audit sequence in the entity property
 *       {@code accessflow.auditSequence}, set after the comment; each comment ends with a marker
 *       {@code [accessflow <requestId> #<seq>]}, and a retried attempt whose property lags looks
 *       for that marker in the latest comments before commenting again.
 * </ul>
 */
public final class JiraTickets implements AccessTickets {
  private static final Logger log = LoggerFactory.getLogger(JiraTickets.class);

  /** Issue entity property naming the request accessflow opened the issue for ({@code {"requestId": ...}}). */
  public static final String REQUEST_PROPERTY = "accessflow.requestId";
  static final String AUDIT_PROPERTY = "accessflow.auditSequence";
  static final String LABEL = "accessflow";
  static final String LABEL_PREFIX = "accessflow-";
  /** How many of the newest comments a retry scans for its marker. */
  static final int COMMENTS_TO_CHECK = 20;
  /**
   * When a create got no clear answer it may still have happened; the retry waits this long so
   * Jira's search index (near real time, not immediate) can show the issue it made.
   */
  static final Duration UNKNOWN_CREATE_RETRY = Duration.ofSeconds(15);

  private static final int SUMMARY_MAX = 255;
  private static final Pattern LABEL_SAFE = Pattern.compile("[A-Za-z0-9._-]+");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JiraConfig config;
  private final JiraClient client;
  private final IntSupplier attempt;

  public JiraTickets(JiraConfig config, JiraClient client) {
    this(config, client, JiraTickets::activityAttempt);
  }

  /** @param attempt this activity's attempt number (1 = first); 0 when unknown */
  JiraTickets(JiraConfig config, JiraClient client, IntSupplier attempt) {
    this.config = config;
    this.client = client;
    this.attempt = attempt;
  }

  @Override
  public String openTicket(AccessRequest request) {
    if (request.ticketKey() != null) {
      // The request started in Jira: that issue is the record.
      return request.ticketKey();
    }
    try {
      Optional<String> existing = findIssue(request.requestId());
      if (existing.isPresent()) {
        log.info("Adopting Jira issue {} already opened for request {}", existing.get(), request.requestId());
        return existing.get();
      }
      String key = create(request);
      log.info("Opened Jira issue {} for request {}", key, request.requestId());
      return key;
    } catch (JiraException e) {
      throw JiraFailures.toFailure(e);
    }
  }

  @Override
  public void record(String ticketKey, String requestId, AuditEntry entry) {
    if (ticketKey == null || entry == null) {
      return;
    }
    try {
      long last = lastWritten(ticketKey, requestId);
      if (entry.sequence() < last) {
        // An older step than the ticket already shows: moving the status back would be wrong.
        log.debug("Jira issue {} already has audit step {} of request {}", ticketKey, entry.sequence(), requestId);
        return;
      }
      if (entry.sequence() > last) {
        String marker = Adf.marker(requestId, entry.sequence());
        // Only a retry can find its own comment; the first attempt saves the read.
        boolean written = attempt.getAsInt() != 1 && commented(ticketKey, marker);
        if (!written) {
          client.addComment(ticketKey, Adf.auditComment(requestId, entry));
        }
        ObjectNode progress = NODES.objectNode().put("requestId", requestId).put("sequence", entry.sequence());
        client.setIssueProperty(ticketKey, AUDIT_PROPERTY, progress);
      }
      // Also on sequence == last: an earlier attempt may have failed between property and transition.
      moveTo(ticketKey, config.targetStatus(entry.kind(), entry.status()));
    } catch (JiraException e) {
      throw JiraFailures.toFailure(e);
    }
  }

  // ---- openTicket ----

  @Override
  public String openDriftTicket(String reportId, String summary, String text) {
    return openReport(reportId, "accessflow-drift", summary, text);
  }

  @Override
  public String openReviewTicket(String reviewId, String summary, String text) {
    return openReport("review-" + reviewId, "accessflow-review", summary, text);
  }

  @Override
  public String openReclaimTicket(String runId, String summary, String text) {
    return openReport("reclaim-" + runId, "accessflow-reclaim", summary, text);
  }

  @Override
  public void commentReclaim(String ticketKey, String runId, long part, String text) {
    comment(ticketKey, "reclaim-" + runId, part, text);
  }

  @Override
  public void commentReview(String ticketKey, String reviewId, long part, String text) {
    comment(ticketKey, "review-" + reviewId, part, text);
  }

  /** Part {@code part} of a report's record as a comment, found again by its marker so a retry adds nothing. */
  private void comment(String ticketKey, String reportId, long part, String text) {
    if (ticketKey == null) {
      return;
    }
    try {
      String marker = Adf.marker(reportId, part);
      // Always looked for: the comment may have gone in on an attempt whose answer was lost.
      if (!commented(ticketKey, marker)) {
        client.addComment(ticketKey, Adf.doc(List.of(Adf.multilineParagraph(text.strip()),
            Adf.paragraph(Adf.text(marker)))));
      }
    } catch (JiraException e) {
      throw JiraFailures.toFailure(e);
    }
  }

  /** A ticket that reports on something other than one request, labelled {@code kind}, found again by {@code reportId}. */
  private String openReport(String reportId, String kind, String summary, String text) {
    try {
      Optional<String> existing = findIssue(reportId);
      if (existing.isPresent()) {
        return existing.get();
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("project", Map.of("key", config.projectKey()));
      fields.put("issuetype", config.issueType().chars().allMatch(Character::isDigit)
          ? Map.of("id", config.issueType()) : Map.of("name", config.issueType()));
      fields.put("summary", summary.length() > 250 ? summary.substring(0, 249) + "…" : summary);
      fields.put("description", Adf.doc(List.of(Adf.multilineParagraph(text))));
      fields.put("labels", List.of(LABEL, kind, label(reportId)));
      ObjectNode owner = NODES.objectNode().put("requestId", reportId);
      String key = client.createIssue(new IssueCreateRequest(fields, List.of(new EntityProperty(REQUEST_PROPERTY, owner))))
          .key();
      log.info("Opened Jira issue {} ({}) for {}", key, kind, reportId);
      return key;
    } catch (JiraException e) {
      if (e.status() == 0 || e.status() >= 500) {
        Duration delay = e.retryAfter().filter(d -> d.compareTo(UNKNOWN_CREATE_RETRY) > 0).orElse(UNKNOWN_CREATE_RETRY);
        throw JiraFailures.retryLater(e.getMessage() + " (outcome unknown; searching again before any new create)", delay);
      }
      throw JiraFailures.toFailure(e);
    }
  }

  private Optional<String> findIssue(String requestId) {
    String jql = "project = " + quote(config.projectKey()) + " AND labels = " + quote(label(requestId))
        + " ORDER BY created ASC";
    var results = client.search(new SearchRequest(jql, List.of("labels"), List.of(REQUEST_PROPERTY), 10));
    for (Issue issue : results.issues()) {
      JsonNode owner = issue.properties().get(REQUEST_PROPERTY);
      // The label is enough unless it was sanitised; then the property tells colliding ids apart.
      boolean ours = owner != null
          ? requestId.equals(owner.path("requestId").asText(null))
          : label(requestId).equals(LABEL_PREFIX + requestId);
      if (ours && issue.key() != null) {
        return Optional.of(issue.key());
      }
    }
    return Optional.empty();
  }

  private String create(AccessRequest request) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("project", Map.of("key", config.projectKey()));
    fields.put("issuetype", config.issueType().chars().allMatch(Character::isDigit)
        ? Map.of("id", config.issueType()) : Map.of("name", config.issueType()));
    fields.put("summary", summary(request));
    fields.put("description", Adf.requestDescription(request));
    fields.put("labels", List.of(LABEL, label(request.requestId())));
    JiraConfig.CustomFields custom = config.customFields();
    putCustom(fields, custom.requester(), request.requester());
    putCustom(fields, custom.app(), request.app());
    putCustom(fields, custom.role(), request.role());
    // ISO-8601, as the webhook's intake reads it back (a person reads the summary's "4h").
    putCustom(fields, custom.duration(), request.duration() == null ? null : request.duration().toString());
    putCustom(fields, custom.reason(), request.reason());
    putCustom(fields, custom.risk(), request.riskTier());
    ObjectNode owner = NODES.objectNode().put("requestId", request.requestId());
    IssueCreateRequest body = new IssueCreateRequest(fields, List.of(new EntityProperty(REQUEST_PROPERTY, owner)));
    try {
      return client.createIssue(body).key();
    } catch (JiraException e) {
      if (e.status() == 0 || e.status() >= 500) {
        // No clear answer: the issue may exist. Retry later, when the search can see it.
        Duration delay = e.retryAfter().filter(d -> d.compareTo(UNKNOWN_CREATE_RETRY) > 0).orElse(UNKNOWN_CREATE_RETRY);
        throw JiraFailures.retryLater(e.getMessage() + " (outcome unknown; searching again before any new create)", delay);
      }
      throw e;
    }
  }

  static String summary(AccessRequest request) {
    String summary = "Access request: " + request.requester() + " -> " + request.app() + " / " + request.role()
        + (request.duration() == null ? "" : " for " + Adf.human(request.duration()));
    summary = summary.replaceAll("\\R", " ");
    return summary.length() <= SUMMARY_MAX ? summary : summary.substring(0, SUMMARY_MAX - 3) + "...";
  }

  /** Labels cannot hold spaces and other odd characters: those become '_' (the property disambiguates). */
  static String label(String requestId) {
    String id = LABEL_SAFE.matcher(requestId).matches() ? requestId : requestId.replaceAll("[^A-Za-z0-9._-]", "_");
    String label = LABEL_PREFIX + id;
    return label.length() <= 255 ? label : label.substring(0, 255);
  }

  private static void putCustom(Map<String, Object> fields, String fieldId, String value) {
    if (fieldId != null && value != null && !value.isBlank()) {
      fields.put(fieldId, value);
    }
  }

  /** A JQL string literal. */
  static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  // ---- record ----

  private long lastWritten(String ticketKey, String requestId) {
    Optional<JsonNode> progress = client.getIssueProperty(ticketKey, AUDIT_PROPERTY);
    if (progress.isEmpty() || !requestId.equals(progress.get().path("requestId").asText(null))) {
      return 0;
    }
    return progress.get().path("sequence").asLong(0);
  }

  private boolean commented(String ticketKey, String marker) {
    for (Comment comment : client.latestComments(ticketKey, COMMENTS_TO_CHECK)) {
      if (Adf.containsText(comment.body(), marker)) {
        log.info("Jira issue {} already has the comment {}; not adding it again", ticketKey, marker);
        return true;
      }
    }
    return false;
  }

  private void moveTo(String ticketKey, String targetStatus) {
    if (targetStatus == null) {
      return;
    }
    String current = client.getIssue(ticketKey, List.of("status"), null).statusName();
    if (targetStatus.equalsIgnoreCase(current)) {
      return;
    }
    for (Transition transition : client.getTransitions(ticketKey)) {
      if (transition.to() != null && targetStatus.equalsIgnoreCase(transition.to().name())
          && !Boolean.FALSE.equals(transition.isAvailable())) {
        client.doTransition(ticketKey, transition.id());
        return;
      }
    }
    // The site's workflow may not allow this move (or the status name is not in it): the comment
    // is the evidence, so this is not worth failing or retrying.
    log.warn("Jira issue {} has no transition from '{}' to '{}'; status left as is", ticketKey, current, targetStatus);
  }

  private static int activityAttempt() {
    try {
      return Activity.getExecutionContext().getInfo().getAttempt();
    } catch (RuntimeException notInAnActivity) {
      return 0;
    }
  }
}
