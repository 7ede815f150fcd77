package dev.accessflow.workflows.request;

import dev.accessflow.workflows.CancellingWait;
import dev.accessflow.workflows.TimerRace;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The end of a grant: its expiry, moved by extensions, and one "ends soon" warning per expiry a lead
 * before it, so the requester can ask to extend. Like samples-java's UpdatableTimer: the sleep
 * restarts whenever the expiry moves.
 */
final class ExpiryTimer {
  /** The version that names the timers and cancels a timer its expiry moved past. */
  static final String VERSION_NAMED = "expiry-timer-named";

  private final Duration warningLead;
  /** Who loses what, for the timers' summaries: "dana@example.com from grafana-admins". */
  private final String whatEnds;
  private Instant grantedAt;
  private Instant expiresAt;
  private Instant warnedFor;

  /**
   * @param warningLead how long before the expiry to warn; null for never
   * @param whatEnds who loses what, for the Temporal UI ("dana@example.com from grafana-admins")
   */
  ExpiryTimer(Duration warningLead, String whatEnds) {
    this.warningLead = warningLead;
    this.whatEnds = whatEnds;
  }

  void start(Instant grantedAt, Duration duration) {
    this.grantedAt = grantedAt;
    this.expiresAt = grantedAt.plus(duration);
  }

  /** The grant runs for newDuration from when it was granted; returns the expiry before the move. */
  Instant moveTo(Duration newDuration) {
    Instant before = expiresAt;
    expiresAt = grantedAt.plus(newDuration);
    return before;
  }

  /** Sleeps until the expiry, or until {@code stop} holds; calls {@code warn} with the expiry it warns of. */
  void await(BooleanSupplier stop, Consumer<Instant> warn) {
    while (!stop.getAsBoolean()) {
      Duration left = Duration.between(now(), expiresAt);
      if (left.isNegative() || left.isZero()) {
        return;
      }
      Instant scheduled = expiresAt;
      // Grants no longer than the lead get no warning; each expiry is warned of once.
      boolean warns = warningLead != null && !scheduled.equals(warnedFor)
          && Duration.between(grantedAt, scheduled).compareTo(warningLead) > 0;
      BooleanSupplier moved = () -> stop.getAsBoolean() || !expiresAt.equals(scheduled);
      if (!warns) {
        CancellingWait.await(VERSION_NAMED, left, "expiry: remove " + whatEnds + " at " + scheduled, moved::getAsBoolean);
      } else if (left.compareTo(warningLead) <= 0 || !CancellingWait.await(VERSION_NAMED, left.minus(warningLead),
          "expiry warning: " + whatEnds + " ends at " + scheduled, moved::getAsBoolean)) {
        if (TimerRace.stillDue(moved)) { // an extension or revoke in the timer's task: no stale warning
          warn.accept(scheduled);
          warnedFor = scheduled;
        }
      }
    }
  }

  Instant grantedAt() {
    return grantedAt;
  }

  Instant expiresAt() {
    return expiresAt;
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
