package dev.accessflow.workflows.request;

import dev.accessflow.workflows.model.UpdateOutcome;

import java.util.HashMap;
import java.util.Map;

/**
 * The answer given to each external event a request applied, kept per kind of update: one
 * {@code Idempotency-Key} reused on {@code /extend} after {@code /decision} is a new extension,
 * not a redelivery of the decision. Deterministic state of the request workflow.
 */
final class AppliedEvents {
  enum Kind { DECIDE, EXTEND, REVOKE }

  private final Map<String, UpdateOutcome> outcomes = new HashMap<>();

  /** True when this event was already applied as this kind (the validator lets the redelivery through). */
  boolean applied(Kind kind, String eventId) {
    return outcomes.containsKey(key(kind, eventId));
  }

  /** The answer to give again, or null when the event is new for this kind. */
  UpdateOutcome previous(Kind kind, String eventId) {
    return outcomes.get(key(kind, eventId));
  }

  void put(Kind kind, String eventId, UpdateOutcome outcome) {
    outcomes.put(key(kind, eventId), outcome);
  }

  private static String key(Kind kind, String eventId) {
    return kind.name() + ":" + eventId;
  }
}
