package dev.accessflow.activities.jira;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.activities.jira.JiraModel.Comment;
import dev.accessflow.activities.jira.JiraModel.CreatedIssue;
import dev.accessflow.activities.jira.JiraModel.DoTransition;
import dev.accessflow.activities.jira.JiraModel.ErrorCollection;
import dev.accessflow.activities.jira.JiraModel.Issue;
import dev.accessflow.activities.jira.JiraModel.IssueCreateRequest;
import dev.accessflow.activities.jira.JiraModel.NewComment;
import dev.accessflow.activities.jira.JiraModel.PageOfComments;
import dev.accessflow.activities.jira.JiraModel.SearchRequest;
import dev.accessflow.activities.jira.JiraModel.SearchResults;
import dev.accessflow.activities.jira.JiraModel.Transition;
import dev.accessflow.activities.jira.JiraModel.TransitionId;
import dev.accessflow.activities.jira.JiraModel.Transitions;
import dev.accessflow.activities.jira.JiraModel.User;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small typed client for the handful of Jira Cloud platform REST v3 operations accessflow uses
 * (operation ids from Atlassian's OpenAPI document in brackets on each method). Authenticates with
 * Basic auth (account email + API token). Errors surface as {@link JiraException}.
 */
public final class JiraClient {
  private static final Logger log = LoggerFactory.getLogger(JiraClient.class);
  private static final String API = "/rest/api/3";
  private static final int MAX_ERROR_TEXT = 500;

  private final URI baseUrl;
  private final String authorization;
  private final Duration requestTimeout;
  private final HttpClient http;
  private final ObjectMapper json;

  public JiraClient(JiraConfig config, HttpClient http, ObjectMapper json) {
    this.baseUrl = config.baseUrl();
    this.authorization = "Basic " + Base64.getEncoder()
        .encodeToString((config.email() + ":" + config.apiToken()).getBytes(StandardCharsets.UTF_8));
    this.requestTimeout = config.requestTimeout();
    this.http = http;
    // Jira adds response properties over time: unknown ones must not break us.
    this.json = json.copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  /** A client with its own HTTP/1.1 connection pool. */
  public static JiraClient create(JiraConfig config) {
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.requestTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    return new JiraClient(config, http, new ObjectMapper());
  }

  /** Creates an issue [createIssue]. */
  public CreatedIssue createIssue(IssueCreateRequest request) {
    return send("POST", API + "/issue", request, CreatedIssue.class);
  }

  /** Searches with a bounded JQL query, one page [searchAndReconsileIssuesUsingJqlPost]. */
  public SearchResults search(SearchRequest request) {
    return send("POST", API + "/search/jql", request, SearchResults.class);
  }

  /** An issue with the given fields (empty list: Jira's default, all) and expand options [getIssue]. */
  public Issue getIssue(String issueKey, List<String> fields, String expand) {
    StringJoiner query = new StringJoiner("&");
    fields.forEach(f -> query.add("fields=" + encode(f)));
    if (expand != null) {
      query.add("expand=" + encode(expand));
    }
    return send("GET", API + "/issue/" + segment(issueKey) + queryString(query), null, Issue.class);
  }

  /** An issue with its changelog, as the webhook handler re-reads it (who changed the status) [getIssue]. */
  public Issue getIssueWithChangelog(String issueKey, List<String> fields) {
    return getIssue(issueKey, fields, "changelog");
  }

  /** Sets (creates or replaces) an issue entity property [setIssueProperty]. */
  public void setIssueProperty(String issueKey, String propertyKey, Object value) {
    send("PUT", API + "/issue/" + segment(issueKey) + "/properties/" + segment(propertyKey), value, Void.class);
  }

  /**
   * The value of an issue entity property, or empty when the property is not set [getIssueProperty].
   * Jira answers 404 both for a missing property and a missing issue; the next write tells them apart.
   */
  public Optional<JsonNode> getIssueProperty(String issueKey, String propertyKey) {
    try {
      JsonNode property = send("GET", API + "/issue/" + segment(issueKey) + "/properties/" + segment(propertyKey),
          null, JsonNode.class);
      return Optional.ofNullable(property).map(p -> p.get("value")).filter(v -> !v.isNull());
    } catch (JiraException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Adds a comment whose body is an Atlassian Document Format document [addComment]. */
  public Comment addComment(String issueKey, JsonNode adfBody) {
    return send("POST", API + "/issue/" + segment(issueKey) + "/comment", new NewComment(adfBody), Comment.class);
  }

  /** The newest comments first, at most {@code max} of them [getComments]. */
  public List<Comment> latestComments(String issueKey, int max) {
    PageOfComments page = send("GET", API + "/issue/" + segment(issueKey) + "/comment?orderBy=-created&maxResults=" + max,
        null, PageOfComments.class);
    return page == null ? List.of() : page.comments();
  }

  /** One comment of an issue, or empty when Jira does not know it [getComment]. */
  public Optional<Comment> getComment(String issueKey, String commentId) {
    try {
      return Optional.ofNullable(send("GET", API + "/issue/" + segment(issueKey) + "/comment/" + segment(commentId),
          null, Comment.class));
    } catch (JiraException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The transitions the API user can perform on the issue now [getTransitions]. */
  public List<Transition> getTransitions(String issueKey) {
    Transitions transitions = send("GET", API + "/issue/" + segment(issueKey) + "/transitions", null, Transitions.class);
    return transitions == null ? List.of() : transitions.transitions();
  }

  /** Performs a transition by id [doTransition]. */
  public void doTransition(String issueKey, String transitionId) {
    send("POST", API + "/issue/" + segment(issueKey) + "/transitions", new DoTransition(new TransitionId(transitionId)),
        Void.class);
  }

  /** A user by account id, or empty when Jira does not know it [getUser]; the email may be hidden (null). */
  public Optional<User> getUser(String accountId) {
    try {
      return Optional.ofNullable(send("GET", API + "/user?accountId=" + encode(accountId), null, User.class));
    } catch (JiraException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private <T> T send(String method, String pathAndQuery, Object body, Class<T> responseType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
        .timeout(requestTimeout)
        .header("Authorization", authorization)
        .header("Accept", "application/json");
    if (body != null) {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofByteArray(write(body)));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    // Logged and reported without the query string: it can carry JQL or account ids.
    String what = method + " " + pathOnly(pathAndQuery);
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new JiraException("Jira " + what + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), 0, List.of(), null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JiraException("Jira " + what + " interrupted", 0, List.of(), null, null);
    }
    int status = response.statusCode();
    log.debug("Jira {} -> {}", what, status);
    if (status >= 200 && status < 300) {
      if (responseType == Void.class || response.body().length == 0) {
        return null;
      }
      try {
        return json.readValue(response.body(), responseType);
      } catch (IOException e) {
        // Reported as a bad gateway (retryable): a proxy's error page is the usual cause, and a
        // retried create finds its issue by label. The payload itself is not quoted.
        throw new JiraException("Jira " + what + " answered " + status + " with a body accessflow cannot read ("
            + e.getClass().getSimpleName() + ")", 502, List.of(), null, null);
      }
    }
    List<String> messages = errorMessages(response.body());
    Duration retryAfter = retryAfter(response);
    String message = "Jira " + what + " answered " + status + " " + reason(status)
        + (messages.isEmpty() ? "" : ": " + truncate(String.join("; ", messages)));
    throw new JiraException(message, status, messages, retryAfter, null);
  }

  private byte[] write(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise Jira request body", e);
    }
  }

  /** Jira's {@code ErrorCollection}, when the error body is one; other bodies are not echoed. */
  private List<String> errorMessages(byte[] body) {
    if (body.length == 0) {
      return List.of();
    }
    try {
      ErrorCollection errors = json.readValue(body, ErrorCollection.class);
      List<String> messages = new ArrayList<>();
      if (errors.errorMessages() != null) {
        messages.addAll(errors.errorMessages());
      }
      if (errors.errors() != null) {
        for (Map.Entry<String, String> e : errors.errors().entrySet()) {
          messages.add(e.getKey() + ": " + e.getValue());
        }
      }
      return messages;
    } catch (IOException | RuntimeException notJson) {
      return List.of();
    }
  }

  /** {@code Retry-After} as delta-seconds or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(HttpResponse<?> response) {
    Optional<String> header = response.headers().firstValue("Retry-After");
    if (header.isEmpty()) {
      return null;
    }
    String value = header.get().trim();
    try {
      long seconds = Long.parseLong(value);
      return Duration.ofSeconds(Math.max(0, seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException unreadable) {
        return null;
      }
    }
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "(bad request)";
      case 401 -> "(unauthorized: check the Jira account email and API token)";
      case 403 -> "(forbidden: the Jira account lacks a permission)";
      case 404 -> "(not found, or not visible to the Jira account)";
      case 409 -> "(conflict)";
      case 413 -> "(payload too large)";
      case 422 -> "(unprocessable)";
      case 429 -> "(rate limited)";
      default -> status >= 500 ? "(Jira unavailable)" : "";
    };
  }

  private static String truncate(String s) {
    return s.length() <= MAX_ERROR_TEXT ? s : s.substring(0, MAX_ERROR_TEXT) + "...";
  }

  private static String pathOnly(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
  }

  private static String queryString(StringJoiner query) {
    return query.length() == 0 ? "" : "?" + query;
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** One path segment: issue keys and property keys are plain, but a stray '/' must not change the path. */
  private static String segment(String value) {
    return encode(value);
  }
}
