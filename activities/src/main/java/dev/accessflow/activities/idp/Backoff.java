package dev.accessflow.activities.idp;

import io.temporal.activity.Activity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long a throttled directory call waits before Temporal's next attempt: what the directory's
 * {@code Retry-After} said, or else an exponential backoff with jitter, so many workers throttled
 * at once do not come back at once.
 */
public final class Backoff {
  /** The first backoff without a header, and the longest. */
  public static final Duration FIRST = Duration.ofSeconds(2);
  public static final Duration MAX = Duration.ofMinutes(2);

  private Backoff() {}

  /** Exponential from {@link #FIRST}, capped at {@link #MAX}, jittered over its upper half. */
  public static Duration jittered(int attempt) {
    long ceiling = Math.min(MAX.toMillis(), FIRST.toMillis() << Math.min(Math.max(attempt - 1, 0), 16));
    return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
  }

  /** A {@code Retry-After} value, seconds or an HTTP date; null when absent or unreadable. */
  public static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(value.strip())));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration left = Duration.between(Instant.now(), at);
        return left.isNegative() ? Duration.ofSeconds(1) : left;
      } catch (RuntimeException unreadable) {
        return null;
      }
    }
  }

  /** The header's wait, or the jittered backoff for this activity attempt. */
  public static Duration delay(String retryAfterHeader) {
    Duration asked = retryAfter(retryAfterHeader);
    return asked != null ? asked : jittered(attempt());
  }

  /** The running activity's attempt (1 outside an activity). */
  public static int attempt() {
    try {
      return Activity.getExecutionContext().getInfo().getAttempt();
    } catch (RuntimeException notInAnActivity) {
      return 1;
    }
  }
}
