package dev.accessflow.workflows.ports;

import io.temporal.activity.ActivityInterface;
import java.time.Instant;

/** The catalog's recurring access reviews. */
@ActivityInterface(namePrefix = "ReviewSchedule")
public interface ReviewScheduling {

  /**
   * Starts every scheduled review that is due (each once: its id is the app and the due time) and
   * returns when the next falls due, or null when the catalog schedules none. Safe to repeat.
   */
  Instant startDue();
}
