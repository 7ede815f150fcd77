package dev.accessflow.workflows.model;

import java.time.Instant;

/** A decision as applied by the workflow: who, how, where, when, and at which stage. */
public record RecordedDecision(
    String eventId, String actor, Verdict verdict, Channel channel, String comment, Instant at, String stage) {}
