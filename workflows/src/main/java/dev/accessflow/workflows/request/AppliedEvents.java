package dev.accessflow.workflows.request;

import dev.accessflow.workflows.model.UpdateOutcome;

import io.temporal.workflow.Workflow;
import java.util.HashMap;
import java.util.Map;

/**
 * The answer given to each external event a request applied, kept per kind of update: one
 * {@code Idempotency-Key} reused on {@code /extend} after {@code /decision} is a new extension,
 * not a redelivery of the decision. Deterministic state of the request workflow.
 */
final class AppliedEvents {
  /**
   * Before this version an event id was shared by every kind of update, so a second kind with the
   * same id got the first kind's answer. Asked only when such a collision happens, so histories
   * without one carry no marker.
   */
  static final String BY_KIND = "applied-events-by-kind";

  enum Kind { DECIDE, EXTEND, REVOKE }

  private final Map<String, UpdateOutcome> outcomes = new HashMap<>();

  /** True when this event was already applied as this kind (the validator lets the redelivery through). */
  boolean applied(Kind kind, String eventId) {
    return outcomes.containsKey(key(kind, eventId));
  }

  /**
   * The answer to give again, or null when the event is new for this kind. Call from an update
   * handler only: a collision with another kind asks {@link Workflow#getVersion}.
   */
  UpdateOutcome previous(Kind kind, String eventId) {
    UpdateOutcome same = outcomes.get(key(kind, eventId));
    if (same != null) {
      return same;
    }
    for (Kind other : Kind.values()) {
      UpdateOutcome collided = outcomes.get(key(other, eventId));
      if (other != kind && collided != null
          && Workflow.getVersion(BY_KIND, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
        return collided; // recorded before the fix: replay answers as it did then
      }
    }
    return null;
  }

  void put(Kind kind, String eventId, UpdateOutcome outcome) {
    outcomes.put(key(kind, eventId), outcome);
  }

  private static String key(Kind kind, String eventId) {
    return kind.name() + ":" + eventId;
  }
}
