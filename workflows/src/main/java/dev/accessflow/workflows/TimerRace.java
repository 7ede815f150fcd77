package dev.accessflow.workflows;

import io.temporal.workflow.Workflow;
import java.util.function.BooleanSupplier;

/**
 * A timer and the event that makes it moot (a decision, an extension, a completed removal) can be
 * reported in one workflow task: the timer first, though the state has already moved. Acting on the
 * timer then reminds, escalates or warns about something that is over. Histories recorded before
 * this check acted on the timer; they replay as they ran.
 */
public final class TimerRace {
  /** The change id of the check, recorded only in a run that met the race. */
  public static final String CHANGE_ID = "timer-race-recheck";

  private TimerRace() {}

  /** Whether a timer that has fired is still to be acted on, given {@code moot}, checked now. */
  public static boolean stillDue(BooleanSupplier moot) {
    if (!moot.getAsBoolean()) {
      return true;
    }
    return Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION;
  }
}
