package dev.accessflow.activities.okta;

import dev.accessflow.workflows.ports.AccessflowMetrics;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Okta's rate-limit window per endpoint family, learnt from the {@code X-Rate-Limit-Limit},
 * {@code -Remaining} and {@code -Reset} headers of every response. Before a call, {@link #pace}
 * waits out the window when fewer than {@link #lowWatermark} of the limit is left, so the org's
 * budget is never driven to zero (a 429 also starves every other Okta integration of the org).
 * Thread-safe: one instance is shared by all activity threads of a worker.
 */
final class OktaRateLimits {

  /** Failure type of a retryable "wait for Okta's rate-limit window" failure. */
  static final String RATE_LIMITED = dev.accessflow.workflows.AccessflowTemporal.IDP_RATE_LIMITED;

  /** Sleeps; a seam so tests can observe pauses without spending them. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** What Okta last said about one family's window; {@code resetAt} is on the local clock. */
  record Window(long limit, long remaining, Instant resetAt) {}

  private final Clock clock;
  private final Sleeper sleeper;
  private final double lowWatermark;
  private final Duration maxPause;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final AccessflowMetrics metrics;

  /**
   * @param lowWatermark fraction of the limit below which calls wait for the reset (e.g. 0.1)
   * @param maxPause the longest an activity thread blocks; a longer wait becomes a retryable
   *     failure with that delay, so Temporal (not a blocked thread) waits
   */
  OktaRateLimits(Clock clock, Sleeper sleeper, double lowWatermark, Duration maxPause) {
    this(clock, sleeper, lowWatermark, maxPause, AccessflowMetrics.none());
  }

  /** @param metrics told of each wait this causes, so a dashboard shows what the rate limit costs */
  OktaRateLimits(Clock clock, Sleeper sleeper, double lowWatermark, Duration maxPause, AccessflowMetrics metrics) {
    this.metrics = metrics;
    this.clock = clock;
    this.sleeper = sleeper;
    this.lowWatermark = lowWatermark;
    this.maxPause = maxPause;
  }

  /** The endpoint family of a request: Okta budgets per endpoint, we key our view the same way. */
  static String family(String method, String path) {
    String p = path;
    int query = p.indexOf('?');
    if (query >= 0) {
      p = p.substring(0, query);
    }
    String[] s = p.replaceAll("^/+", "").split("/");
    // s = [api, v1, resource, id?, sub?, subId?]
    if (s.length >= 3 && s[0].equals("api") && s[1].equals("v1")) {
      String resource = s[2];
      if (s.length == 3) {
        return method + " /api/v1/" + resource;
      }
      if (s.length == 4) {
        return method + " /api/v1/" + resource + "/{id}";
      }
      return method + " /api/v1/" + resource + "/{id}/" + s[4] + (s.length > 5 ? "/{id}" : "");
    }
    return method + " " + p;
  }

  /**
   * Records the window a response reported. {@code header} looks a response header up by name
   * (case-insensitive); responses without the three headers leave the view unchanged.
   */
  void record(String family, Function<String, String> header) {
    Long limit = number(header.apply("X-Rate-Limit-Limit"));
    Long remaining = number(header.apply("X-Rate-Limit-Remaining"));
    Long reset = number(header.apply("X-Rate-Limit-Reset"));
    if (limit == null || remaining == null || reset == null) {
      return;
    }
    windows.put(family, new Window(limit, remaining, resetAt(reset, header.apply("Date"))));
  }

  /** The wait until the window of a 429 resets; null when the response did not say. */
  Duration untilReset(Function<String, String> header) {
    Long reset = number(header.apply("X-Rate-Limit-Reset"));
    if (reset == null) {
      return null;
    }
    Duration wait = Duration.between(clock.instant(), resetAt(reset, header.apply("Date")));
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  /**
   * Waits, before a call of {@code family}, until its window resets if too little of it is left.
   * Waits up to {@code maxPause} on this thread; a longer wait throws a retryable
   * ApplicationFailure carrying the delay.
   */
  void pace(String family) {
    pace(family, lowWatermark);
  }

  /** {@link #pace(String)} with a watermark of its own: background work leaves more of the window to people. */
  void pace(String family, double watermark) {
    Window window = windows.get(family);
    if (window == null) {
      return;
    }
    Instant now = clock.instant();
    if (!now.isBefore(window.resetAt())) {
      windows.remove(family, window); // the window rolled over: what we knew is stale
      return;
    }
    long floor = Math.max(1, (long) Math.ceil(window.limit() * watermark));
    if (window.remaining() >= floor) {
      return;
    }
    Duration wait = Duration.between(now, window.resetAt());
    metrics.idpThrottled("okta", "paced", wait);
    if (wait.compareTo(maxPause) > 0) {
      throw ApplicationFailure.newBuilder()
          .setType(RATE_LIMITED)
          .setMessage("Okta rate limit for " + family + " nearly used up (" + window.remaining() + " of "
              + window.limit() + " left); waiting " + wait.toSeconds() + " s for the window to reset")
          .setNextRetryDelay(wait)
          .build();
    }
    try {
      sleeper.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Okta's rate-limit window", e);
    }
    windows.remove(family, window);
  }

  /** A 429's retry waits this long. */
  void rateLimited(Duration delay) {
    metrics.idpThrottled("okta", "rate_limited", delay);
  }

  /** For tests and diagnostics: what is known about a family. */
  Window window(String family) {
    return windows.get(family);
  }

  /**
   * Where the reset lies on the local clock. Okta gives epoch seconds on its own clock; measuring
   * from the response's Date header avoids trusting that our clock agrees with Okta's.
   */
  private Instant resetAt(long resetEpochSecond, String dateHeader) {
    Instant reset = Instant.ofEpochSecond(resetEpochSecond);
    if (dateHeader != null) {
      try {
        Instant serverNow = ZonedDateTime.parse(dateHeader, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return clock.instant().plus(Duration.between(serverNow, reset));
      } catch (RuntimeException ignored) {
        // an unparseable Date: fall back to our own clock
      }
    }
    return reset;
  }

  private static Long number(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(value.strip().toLowerCase(Locale.ROOT));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
