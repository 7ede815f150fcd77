package dev.accessflow.activities.jira;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A Jira call that did not succeed: an HTTP error answer, or no answer at all (status 0). The
 * message holds the method, path, status and Jira's own error messages; never a credential and
 * never the raw response body.
 */
public final class JiraException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final List<String> errorMessages;
  private final transient Duration retryAfter;

  JiraException(String message, int status, List<String> errorMessages, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorMessages = List.copyOf(errorMessages);
    this.retryAfter = retryAfter;
  }

  /** HTTP status, or 0 when Jira could not be reached (I/O error, timeout). */
  public int status() {
    return status;
  }

  /** Jira's {@code errorMessages} plus its per-field {@code errors} as "field: message". */
  public List<String> errorMessages() {
    return errorMessages;
  }

  /** How long Jira asked us to wait ({@code Retry-After}), when it did. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /**
   * True when trying again later may succeed: no answer, 408, 409 (concurrent edit), 429 and
   * 5xx. Other answers (400, 401, 403, 404, 413, 422...) will not change on their own.
   */
  public boolean retryable() {
    return status == 0 || status == 408 || status == 409 || status == 429 || status >= 500;
  }
}
