package dev.accessflow.workflows.model;

/** A message to the requester about their request (granted, denied, expiring, revoked...). */
public record RequesterNotice(String requestId, String requester, AuditKind kind, String text) {}
