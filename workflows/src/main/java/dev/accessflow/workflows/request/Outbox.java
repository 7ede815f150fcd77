package dev.accessflow.workflows.request;

import dev.accessflow.workflows.Failures;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * An ordered queue of side effects (ticket comments, chat messages) drained by its own workflow
 * thread, so a slow or absent vendor never holds up an access decision, and every item is still
 * delivered, in order, once the vendor is back. An item posted after the queue was drained (an
 * update handler finishing late) starts a new drain: nothing posted is ever dropped.
 */
final class Outbox {
  private final Deque<Runnable> pending = new ArrayDeque<>();
  private final Consumer<String> onUndeliverable;
  private boolean closing;
  private boolean draining;
  private boolean busy;

  /** @param onUndeliverable told when an item failed for good (a non-retryable vendor error); the queue moves on */
  Outbox(Consumer<String> onUndeliverable) {
    this.onUndeliverable = onUndeliverable;
  }

  void post(Runnable delivery) {
    pending.addLast(delivery);
    if (!draining) {
      draining = true;
      Async.procedure(this::drain);
    }
  }

  /** Items queued or being delivered. */
  int backlog() {
    return pending.size();
  }

  boolean isEmpty() {
    return pending.isEmpty() && !busy;
  }

  /** Blocks the calling workflow thread until everything posted so far has been delivered. */
  void closeAndAwait() {
    closing = true;
    Workflow.await(this::isEmpty);
  }

  private void drain() {
    while (true) {
      Workflow.await(() -> !pending.isEmpty() || closing);
      if (pending.isEmpty()) {
        draining = false;
        return;
      }
      busy = true;
      try {
        pending.peekFirst().run();
      } catch (ActivityFailure failure) {
        onUndeliverable.accept(Failures.describe(failure));
      }
      pending.removeFirst();
      busy = false;
    }
  }
}
