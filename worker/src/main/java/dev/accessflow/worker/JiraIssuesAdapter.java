package dev.accessflow.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.activities.jira.Adf;
import dev.accessflow.activities.jira.JiraClient;
import dev.accessflow.activities.jira.JiraException;
import dev.accessflow.activities.jira.JiraModel.ChangeDetails;
import dev.accessflow.activities.jira.JiraModel.History;
import dev.accessflow.activities.jira.JiraModel.Issue;
import dev.accessflow.activities.jira.JiraModel.Transition;
import dev.accessflow.activities.jira.JiraTickets;
import dev.accessflow.api.jira.JiraIssues;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The Jira webhook's port on the real Jira client; Jira errors become "not found" or {@link Unavailable}. */
final class JiraIssuesAdapter implements JiraIssues {
  private final JiraClient client;
  private final Fields fields;

  /** Custom field ids ({@code customfield_NNNNN}) the request facts are read from; each may be null. */
  record Fields(String app, String role, String duration, String reason) {}

  JiraIssuesAdapter(JiraClient client, Fields fields) {
    this.client = client;
    this.fields = fields;
  }

  @Override
  public Optional<RequestIssue> requestIssue(String issueKey) {
    List<String> wanted = new ArrayList<>(List.of("project", "reporter"));
    for (String id : new String[] {fields.app(), fields.role(), fields.duration(), fields.reason()}) {
      if (id != null && !id.isBlank()) {
        wanted.add(id);
      }
    }
    return orEmpty(() -> client.getIssue(issueKey, wanted, null)).map(issue -> new RequestIssue(
        issue.key() == null ? issueKey : issue.key(),
        text(issue.fields() == null ? null : issue.fields().path("project").path("key")),
        value(issue, fields.app()),
        value(issue, fields.role()),
        value(issue, fields.duration()),
        value(issue, fields.reason()),
        text(issue.fields() == null ? null : issue.fields().path("reporter").path("accountId"))));
  }

  @Override
  public Optional<String> openedFor(String issueKey) {
    try {
      return client.getIssueProperty(issueKey, JiraTickets.REQUEST_PROPERTY)
          .map(owner -> owner.path("requestId").asText(null))
          .filter(id -> id != null && !id.isBlank());
    } catch (JiraException e) {
      throw unavailable(e);
    }
  }

  @Override
  public Optional<StatusChange> latestStatusChange(String issueKey) {
    return orEmpty(() -> client.getIssueWithChangelog(issueKey, List.of("status"))).flatMap(JiraIssuesAdapter::latest);
  }

  /** The newest history with a status item; Jira's order is not promised, so compare the timestamps. */
  private static Optional<StatusChange> latest(Issue issue) {
    if (issue.changelog() == null) {
      return Optional.empty();
    }
    History newest = null;
    ChangeDetails newestItem = null;
    for (History history : issue.changelog().histories()) {
      for (ChangeDetails item : history.items()) {
        if ("status".equals(item.field()) || "status".equals(item.fieldId())) {
          if (newest == null || compare(history.created(), newest.created()) >= 0) {
            newest = history;
            newestItem = item;
          }
        }
      }
    }
    if (newest == null) {
      return Optional.empty();
    }
    return Optional.of(new StatusChange(newest.id(), newest.author() == null ? null : newest.author().accountId(),
        newestItem.fromString(), newestItem.toText()));
  }

  /** Jira writes every changelog timestamp with the site's offset, so ISO-8601 text sorts as time. */
  private static int compare(String a, String b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : -1) : 1;
    }
    return a.compareTo(b);
  }

  @Override
  public Optional<String> email(String accountId) {
    try {
      return client.getUser(accountId).map(u -> u.emailAddress()).filter(e -> !e.isBlank());
    } catch (JiraException e) {
      throw unavailable(e);
    }
  }

  @Override
  public Optional<IssueComment> readComment(String issueKey, String commentId) {
    try {
      return client.getComment(issueKey, commentId).map(c -> new IssueComment(c.id(),
          c.author() == null ? null : c.author().accountId(), Adf.plainText(c.body())));
    } catch (JiraException e) {
      throw unavailable(e);
    }
  }

  @Override
  public void comment(String issueKey, String text) {
    try {
      client.addComment(issueKey, Adf.doc(List.of(Adf.multilineParagraph(text))));
    } catch (JiraException e) {
      throw unavailable(e);
    }
  }

  @Override
  public boolean moveTo(String issueKey, String statusName) {
    try {
      for (Transition transition : client.getTransitions(issueKey)) {
        if (transition.to() != null && statusName.equalsIgnoreCase(transition.to().name())
            && !Boolean.FALSE.equals(transition.isAvailable())) {
          client.doTransition(issueKey, transition.id());
          return true;
        }
      }
      return false;
    } catch (JiraException e) {
      throw unavailable(e);
    }
  }

  /** Text fields are strings; select lists are {@code {"value": ...}}; user-ish ones carry a name. */
  private static String value(Issue issue, String fieldId) {
    if (fieldId == null || fieldId.isBlank()) {
      return null;
    }
    JsonNode node = issue.field(fieldId);
    if (node == null) {
      return null;
    }
    if (node.isObject()) {
      return text(node.has("value") ? node.get("value") : node.get("name"));
    }
    return node.isValueNode() ? node.asText() : null;
  }

  private static String text(JsonNode node) {
    return node == null || node.isMissingNode() || node.isNull() ? null : node.asText();
  }

  private static <T> Optional<T> orEmpty(Supplier<T> call) {
    try {
      return Optional.ofNullable(call.get());
    } catch (JiraException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw unavailable(e);
    }
  }

  private static Unavailable unavailable(JiraException e) {
    // The message names method, path and status only: no payloads, no credentials.
    return new Unavailable(e.getMessage());
  }
}
