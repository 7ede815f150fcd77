package dev.accessflow.workflows.model;

/** One user in one IdP group, on behalf of one request. */
public record Membership(String requestId, String login, String userId, String groupId) {}
