package dev.accessflow.workflows.model;

/** What an accepted update did, returned to the caller (Slack, Jira, REST). */
public record UpdateOutcome(RequestStatus status, String message) {}
