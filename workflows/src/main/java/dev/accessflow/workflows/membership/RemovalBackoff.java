package dev.accessflow.workflows.membership;

import java.time.Duration;

/**
 * How long a removal waits between tries while the IdP fails. Short outages are the common case,
 * so the first minutes retry at once and the removal lands within about a second of the IdP
 * answering again; a long outage is retried less often, so thousands of due removals do not
 * hammer an IdP that is trying to come back, and the removal's history stays small.
 */
final class RemovalBackoff {
  private RemovalBackoff() {}

  static final Duration FAST = Duration.ofMillis(500);
  static final Duration FAST_FOR = Duration.ofMinutes(2);
  static final Duration MEDIUM = Duration.ofSeconds(30);
  static final Duration MEDIUM_FOR = Duration.ofHours(1);
  static final Duration SLOW = Duration.ofMinutes(10);
  /** A refusal (403, unknown group) is not fixed by retrying at once: someone has to act first. */
  static final Duration AFTER_REFUSAL = Duration.ofSeconds(10);

  static Duration pause(boolean refused, Duration failingFor) {
    Duration pause = failingFor.compareTo(FAST_FOR) < 0 ? FAST : failingFor.compareTo(MEDIUM_FOR) < 0 ? MEDIUM : SLOW;
    return refused && pause.compareTo(AFTER_REFUSAL) < 0 ? AFTER_REFUSAL : pause;
  }
}
