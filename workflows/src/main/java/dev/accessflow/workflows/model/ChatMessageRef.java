package dev.accessflow.workflows.model;

/** Where a chat message was posted, so it is edited in place later and never re-posted. */
public record ChatMessageRef(String recipient, String channelId, String ts) {}
