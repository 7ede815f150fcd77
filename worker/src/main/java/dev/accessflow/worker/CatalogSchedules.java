package dev.accessflow.worker;

import dev.accessflow.workflows.ports.ReviewScheduling;
import java.time.Instant;
import java.util.List;

/**
 * Everything the catalog schedules (recurring reviews, periodic reclaim scans) behind the one
 * schedule workflow: each starts what is due, and the workflow wakes for the earliest next.
 */
public final class CatalogSchedules implements ReviewScheduling {
  private final List<ReviewScheduling> schedules;

  public CatalogSchedules(List<ReviewScheduling> schedules) {
    this.schedules = List.copyOf(schedules);
  }

  @Override
  public Instant startDue() {
    Instant next = null;
    RuntimeException failed = null;
    for (ReviewScheduling schedule : schedules) {
      try {
        Instant due = schedule.startDue();
        next = due != null && (next == null || due.isBefore(next)) ? due : next;
      } catch (RuntimeException e) {
        failed = failed == null ? e : failed; // one schedule's failure does not hold up the others
      }
    }
    if (failed != null) {
      throw failed; // retried: each schedule's starts are safe to repeat
    }
    return next;
  }
}
