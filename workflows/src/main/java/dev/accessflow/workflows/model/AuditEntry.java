package dev.accessflow.workflows.model;

import java.time.Instant;

/**
 * One step of a request's life, written to the ticket as evidence, in order.
 *
 * @param sequence 1-based position in this request's audit trail (lets the adapter skip duplicates)
 * @param status the request status after this step (drives the ticket's status map)
 */
public record AuditEntry(long sequence, Instant at, AuditKind kind, RequestStatus status, String text) {}
