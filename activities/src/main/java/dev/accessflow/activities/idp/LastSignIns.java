package dev.accessflow.activities.idp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * People's last sign-ins as a directory reported them, read within a budget. Graph serves
 * {@code signInActivity} only about 10 times a minute per tenant; Google's users.get costs a call
 * per person. This keeps reads under a per-minute budget (a sliding minute) and remembers each
 * answer for a while, so a last sign-in is read at most once per person per {@code ttl}, never once
 * per request, and a read that would spend the budget is skipped rather than waited for.
 */
public final class LastSignIns {
  /** One remembered answer: when the person last signed in (null: never), and when it was read. */
  public record Known(Instant lastSignIn, Instant readAt) {}

  private final Clock clock;
  private final int perMinute;
  private final Duration ttl;
  private final int capacity;
  private final Deque<Instant> spent = new ArrayDeque<>();
  private final Map<String, Known> known;

  public LastSignIns(Clock clock, int perMinute, Duration ttl, int capacity) {
    this.clock = clock;
    this.perMinute = perMinute;
    this.ttl = ttl;
    this.capacity = capacity;
    this.known = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
        return size() > LastSignIns.this.capacity;
      }
    };
  }

  /** The remembered answer for {@code userId}, fresh or not; empty when it was never read. */
  public synchronized Optional<Known> known(String userId) {
    return Optional.ofNullable(known.get(userId));
  }

  /** True when the answer is missing or older than the ttl. */
  public synchronized boolean stale(String userId) {
    Known k = known.get(userId);
    return k == null || k.readAt().plus(ttl).isBefore(clock.instant());
  }

  /** Takes one read from this minute's budget; false (nothing taken) when it is spent. */
  public synchronized boolean tryAcquire() {
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

  public synchronized void remember(String userId, Instant lastSignIn) {
    known.put(userId, new Known(lastSignIn, clock.instant()));
  }
}
