package dev.accessflow.workflows.model;

import java.time.Duration;

/** Ask to move the expiry of an active grant: the new expiry is grantedAt + newDuration. */
public record Extension(String eventId, String actor, Channel channel, Duration newDuration, String comment) {}
