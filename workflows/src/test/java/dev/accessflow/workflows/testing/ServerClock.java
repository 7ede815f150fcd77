package dev.accessflow.workflows.testing;

import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Instant;

/**
 * The time-skipping test server's "now", for activities whose ledger rows the workflow's timers
 * wait on (a grace stored in the ledger then ends when the workflow wakes).
 */
public final class ServerClock extends UtcClock {
  private final TestWorkflowEnvironment env;

  public ServerClock(TestWorkflowEnvironment env) {
    this.env = env;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }
}
