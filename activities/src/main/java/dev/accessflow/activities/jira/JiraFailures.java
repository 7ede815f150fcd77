package dev.accessflow.activities.jira;

import io.temporal.failure.ApplicationFailure;
import java.time.Duration;

/** Turns Jira errors into the Temporal failures the activity throws. */
final class JiraFailures {
  /** Jira is down, slow or throttling: Temporal retries (honouring Retry-After). */
  static final String UNAVAILABLE = "JiraUnavailable";
  /** Jira refused the call (bad config, permissions, missing issue): retrying will not help. */
  static final String REJECTED = "JiraRejected";

  /** Never park an activity for longer than this on one Retry-After header. */
  private static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(15);

  private JiraFailures() {}

  static ApplicationFailure toFailure(JiraException e) {
    if (e.retryable()) {
      Duration delay = e.retryAfter()
          .map(d -> d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d)
          .orElse(null);
      return ApplicationFailure.newBuilder()
          .setType(UNAVAILABLE)
          .setMessage(e.getMessage())
          .setNextRetryDelay(delay)
          .build();
    }
    return ApplicationFailure.newBuilder()
        .setType(REJECTED)
        .setMessage(e.getMessage())
        .setNonRetryable(true)
        .build();
  }

  /**
   * A retryable failure with a fixed delay: used when the outcome of a create is unknown, so the
   * retry searches again only after Jira's search index had time to see the issue.
   */
  static ApplicationFailure retryLater(String message, Duration delay) {
    return ApplicationFailure.newBuilder().setType(UNAVAILABLE).setMessage(message).setNextRetryDelay(delay).build();
  }
}
