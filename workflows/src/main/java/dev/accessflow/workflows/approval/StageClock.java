package dev.accessflow.workflows.approval;

import dev.accessflow.workflows.TimerRace;
import dev.accessflow.workflows.model.StageTimings;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Waits out one stage of a round: reminders, then escalation, then expiry, each timed from when the
 * stage was put to its approvers. The number of reminders is bounded by the stage's expiry.
 */
public final class StageClock {
  /** What the clock does when a step comes due. */
  public interface Steps {
    void remind(int stage, Instant since);

    void escalate(int stage, String why);
  }

  private StageClock() {}

  /**
   * @param moved true once the stage completed or the request was decided
   * @param defaultExpiry the request's approval timeout, for a stage without its own
   * @return true when the stage moved on, false when it expired undecided
   */
  public static boolean await(ApprovalRound round, int index, Duration defaultExpiry, BooleanSupplier moved, Steps steps) {
    StageTimings timings = round.stage(index).timings();
    Instant started = now();
    Duration expireAfter = expireAfter(timings, defaultExpiry);
    Instant expiry = started.plus(expireAfter);
    boolean escalates = timings.escalateAfter() != null && timings.escalateAfter().compareTo(expireAfter) < 0
        && !round.stage(index).escalateTo().isEmpty();
    Instant escalation = escalates ? started.plus(timings.escalateAfter()) : expiry;
    if (timings.remindAfter() != null) {
      for (Instant at = started.plus(timings.remindAfter()); at.isBefore(escalation); at = at.plus(timings.remindAfter())) {
        if (sleepUntil(at, moved)) {
          return true;
        }
        steps.remind(index, started);
      }
    }
    if (escalates) {
      if (sleepUntil(escalation, moved)) {
        return true;
      }
      steps.escalate(index, "nobody decided within " + timings.escalateAfter());
    }
    return sleepUntil(expiry, moved);
  }

  public static Duration expireAfter(StageTimings timings, Duration defaultExpiry) {
    return timings.expireAfter() != null ? timings.expireAfter() : defaultExpiry;
  }

  /** True when {@code moved} holds by {@code at}. */
  private static boolean sleepUntil(Instant at, BooleanSupplier moved) {
    Duration left = Duration.between(now(), at);
    if (left.isNegative() || left.isZero()) {
      return moved.getAsBoolean();
    }
    // A decision handled in the same workflow task as the timer: the timer is reported first, but
    // the stage has moved; acting on the timer then would remind, escalate or expire a finished stage.
    return Workflow.await(left, moved::getAsBoolean) || !TimerRace.stillDue(moved);
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
