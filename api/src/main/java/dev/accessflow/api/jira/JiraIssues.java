package dev.accessflow.api.jira;

import java.util.Optional;

/**
 * What the Jira webhook needs from Jira, and nothing more: the api module cannot see the Jira
 * client (it lives in activities), so the worker plugs an adapter in behind this port.
 * Implementations throw {@link Unavailable} when Jira cannot be asked right now.
 */
public interface JiraIssues {

  /**
   * The request facts of an issue, as Jira holds them now (null where a field is empty).
   *
   * @param reporterAccountId Atlassian account id of the reporter (the requester)
   */
  record RequestIssue(String key, String projectKey, String app, String role, String duration, String reason,
      String reporterAccountId) {}

  /** The newest status change in an issue's changelog: who made it, and from which status to which. */
  record StatusChange(String historyId, String authorAccountId, String fromStatus, String toStatus) {}

  /** A comment as Jira holds it: who wrote it and its text (the document's text, paragraphs on their own lines). */
  record IssueComment(String id, String authorAccountId, String text) {}

  /** One comment of an issue; empty when Jira does not know it. */
  Optional<IssueComment> readComment(String issueKey, String commentId);

  /** The issue's request fields; empty when Jira does not know the issue (or hides it from us). */
  Optional<RequestIssue> requestIssue(String issueKey);

  /**
   * The request accessflow opened this issue for (the issue's {@code accessflow.requestId} property);
   * empty for an issue a person opened, which is a request of its own.
   */
  Optional<String> openedFor(String issueKey);

  /** The issue's latest status change; empty when the issue is unknown or its status never changed. */
  Optional<StatusChange> latestStatusChange(String issueKey);

  /** The email (IdP login) of an Atlassian account; empty when unknown or hidden by the profile. */
  Optional<String> email(String accountId);

  /** Adds a plain-text comment. */
  void comment(String issueKey, String text);

  /** Moves the issue to the named status; false when the workflow offers no such transition now. */
  boolean moveTo(String issueKey, String statusName);

  /** Jira could not be asked (down, rate limited, misconfigured): worth a retry by the sender. */
  final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
      super(message);
    }
  }
}
