package dev.accessflow.activities.jira;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The request and response bodies of the Jira Cloud REST v3 calls {@link JiraClient} makes, named
 * after the schemas in Atlassian's OpenAPI document. Only the properties accessflow reads are
 * mapped; unknown ones are ignored so Jira can add fields freely.
 */
public final class JiraModel {
  private JiraModel() {}

  /** {@code IssueUpdateDetails} as sent to create an issue: fields plus entity properties set atomically. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record IssueCreateRequest(Map<String, Object> fields, List<EntityProperty> properties) {}

  /** {@code EntityProperty}: an issue property (key and any JSON value). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record EntityProperty(String key, JsonNode value) {}

  /** {@code CreatedIssue}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CreatedIssue(String id, String key, String self) {}

  /** {@code SearchAndReconcileRequestBean} (body of {@code POST /rest/api/3/search/jql}). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SearchRequest(String jql, List<String> fields, List<String> properties, Integer maxResults) {}

  /** {@code SearchAndReconcileResults}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SearchResults(List<Issue> issues, String nextPageToken, Boolean isLast) {
    public SearchResults {
      issues = issues == null ? List.of() : List.copyOf(issues);
    }
  }

  /** {@code IssueBean}: fields stay a JSON tree because custom fields vary per site. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Issue(String id, String key, JsonNode fields, Map<String, JsonNode> properties, Changelog changelog) {
    public Issue {
      properties = properties == null ? Map.of() : Map.copyOf(properties);
    }

    /** Name of the issue's current status, or null when {@code status} was not requested. */
    public String statusName() {
      return fields == null ? null : text(fields.path("status").path("name"));
    }

    /** One field's value (null when absent). */
    public JsonNode field(String id) {
      return fields == null || !fields.hasNonNull(id) ? null : fields.get(id);
    }
  }

  /** {@code PageOfChangelogs}: returned with {@code expand=changelog}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Changelog(List<History> histories, Integer startAt, Integer maxResults, Integer total) {
    public Changelog {
      histories = histories == null ? List.of() : List.copyOf(histories);
    }
  }

  /** {@code Changelog}: one change set, with the account that made it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record History(String id, UserDetails author, String created, List<ChangeDetails> items) {
    public History {
      items = items == null ? List.of() : List.copyOf(items);
    }
  }

  /** {@code ChangeDetails}: one changed field ({@code toString} is renamed: records may not use that name). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ChangeDetails(
      String field,
      String fieldId,
      String fieldtype,
      String from,
      String fromString,
      String to,
      @JsonProperty("toString") String toText) {}

  /** {@code UserDetails}: the short user form inside comments and changelogs. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record UserDetails(String accountId, String accountType, String displayName, String emailAddress, Boolean active) {}

  /** {@code User} ({@code GET /rest/api/3/user}); {@code emailAddress} is null when the profile hides it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record User(String accountId, String accountType, String displayName, String emailAddress, Boolean active) {}

  /** {@code Comment} as sent: an ADF body only. */
  public record NewComment(JsonNode body) {}

  /** {@code Comment} as read. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Comment(String id, JsonNode body, UserDetails author, String created) {}

  /** {@code PageOfComments}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record PageOfComments(List<Comment> comments, Long startAt, Integer maxResults, Long total) {
    public PageOfComments {
      comments = comments == null ? List.of() : List.copyOf(comments);
    }
  }

  /** {@code Transitions}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Transitions(List<Transition> transitions) {
    public Transitions {
      transitions = transitions == null ? List.of() : List.copyOf(transitions);
    }
  }

  /** {@code IssueTransition} as read. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Transition(String id, String name, Status to, Boolean isAvailable) {}

  /** {@code StatusDetails}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Status(String id, String name) {}

  /** {@code IssueUpdateDetails} as sent to perform a transition: only the transition id. */
  public record DoTransition(TransitionId transition) {}

  /** {@code IssueTransition} as sent: the id only. */
  public record TransitionId(String id) {}

  /** {@code ErrorCollection}: Jira's error answer. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ErrorCollection(List<String> errorMessages, Map<String, String> errors) {}

  private static String text(JsonNode node) {
    return node == null || node.isMissingNode() || node.isNull() ? null : node.asText();
  }
}
