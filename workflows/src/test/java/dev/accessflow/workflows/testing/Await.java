package dev.accessflow.workflows.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits (in real time, polling) for what a workflow on the test server does through its activities. */
public final class Await {
  private Await() {}

  /** Returns once {@code done} holds; fails after a minute naming {@code what} it waited for. */
  public static void until(String what, BooleanSupplier done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
