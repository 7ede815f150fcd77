package dev.accessflow.workflows.testing;

import java.time.Duration;
import java.time.Instant;

/** A clock a test moves by hand (the ledger's and the adapters' "now"). */
public final class MovableClock extends UtcClock {
  private volatile Instant now;

  public MovableClock(Instant start) {
    this.now = start;
  }

  public void advance(Duration by) {
    now = now.plus(by);
  }

  public void set(Instant at) {
    now = at;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
