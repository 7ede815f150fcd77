package dev.accessflow.workflows.model;

/** Ask to end a grant now, before its expiry. */
public record Revocation(String eventId, String actor, Channel channel, String reason) {}
