package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.DriftSweep;
import io.temporal.activity.ActivityInterface;

/** What happens to findings: reported to the security channel, removed when their policy and grace say so. */
@ActivityInterface(namePrefix = "Drift")
public interface DriftActions {

  /**
   * Reports up to {@code limit} findings not yet reported, and removes up to {@code limit} whose
   * removal is due (after checking again that no grant is behind them); each removal is recorded on
   * the finding, with its reason. Safe to repeat.
   */
  DriftSweep sweep(int limit);
}
