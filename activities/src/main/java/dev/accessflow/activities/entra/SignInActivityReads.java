package dev.accessflow.activities.entra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Graph serves {@code signInActivity} to an app only about 10 times a minute per tenant. This keeps
 * reads under that budget (a sliding minute) and remembers each answer for a while, so a last
 * sign-in is read at most once per person per {@code ttl}, never once per request, and a read that
 * would spend the budget is skipped rather than waited for.
 */
final class SignInActivityReads {
  /** One remembered answer: when the person last signed in (null: never), and when it was read. */
  record Known(Instant lastSignIn, Instant readAt) {}

  private final Clock clock;
  private final int perMinute;
  private final Duration ttl;
  private final int capacity;
  private final Deque<Instant> spent = new ArrayDeque<>();
  private final Map<String, Known> known;

  SignInActivityReads(Clock clock, int perMinute, Duration ttl, int capacity) {
    this.clock = clock;
    this.perMinute = perMinute;
    this.ttl = ttl;
    this.capacity = capacity;
    this.known = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
        return size() > SignInActivityReads.this.capacity;
      }
    };
  }

  /** The remembered answer for {@code userId}, fresh or not; empty when it was never read. */
  synchronized Optional<Known> known(String userId) {
    return Optional.ofNullable(known.get(userId));
  }

  /** True when the answer is missing or older than the ttl. */
  synchronized boolean stale(String userId) {
    Known k = known.get(userId);
    return k == null || k.readAt().plus(ttl).isBefore(clock.instant());
  }

  /** Takes one read from this minute's budget; false (nothing taken) when it is spent. */
  synchronized boolean tryAcquire() {
    Instant now = clock.instant();
    while (!spent.isEmpty() && !spent.peekFirst().plus(Duration.ofMinutes(1)).isAfter(now)) {
      spent.removeFirst();
    }
    if (spent.size() >= perMinute) {
      return false;
    }
    spent.addLast(now);
    return true;
  }

  synchronized void remember(String userId, Instant lastSignIn) {
    known.put(userId, new Known(lastSignIn, clock.instant()));
  }
}
