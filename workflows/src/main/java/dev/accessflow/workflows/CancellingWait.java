package dev.accessflow.workflows;

import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A workflow's wait for the first of a timeout and a condition, whose timer is cancelled when the
 * condition comes first. {@code Workflow.await(timeout, condition)} leaves its timer to fire later:
 * a loop woken by thousands of signals (Keeps, decisions, hook events) would fill its history with
 * stale timers between its own continue-as-new checks.
 */
public final class CancellingWait {
  private CancellingWait() {}

  /**
   * Like {@code Workflow.await(timeout, condition)}: true when the condition holds, false when the
   * time ran out. Runs that started before {@code changeId} keep the old wait, so they replay.
   */
  public static boolean await(String changeId, Duration timeout, Supplier<Boolean> condition) {
    return await(changeId, timeout, null, condition);
  }

  /** The same with the timer's summary, the line the Temporal UI shows for it ("expiry: remove dana ..."). */
  public static boolean await(String changeId, Duration timeout, String summary, Supplier<Boolean> condition) {
    if (Workflow.getVersion(changeId, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return Workflow.await(timeout, condition);
    }
    if (condition.get()) {
      return true;
    }
    AtomicReference<Promise<Void>> timer = new AtomicReference<>();
    CancellationScope scope = Workflow.newCancellationScope(() -> timer.set(summary == null
        ? Workflow.newTimer(timeout) : Workflow.newTimer(timeout, TimerOptions.newBuilder().setSummary(summary).build())));
    scope.run();
    Workflow.await(() -> condition.get() || timer.get().isCompleted());
    if (!timer.get().isCompleted()) {
      scope.cancel();
    }
    return condition.get();
  }
}
