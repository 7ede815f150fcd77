package dev.accessflow.ledger;

import java.time.Instant;

/**
 * One row of the audit log as it is stored and exported: a step of a request, its place in the
 * chain, and the hashes that make the chain tamper-evident.
 *
 * @param position place in the chain (1, 2, ...), across all requests, in the order the ledger took the rows
 * @param sequence place in the request's own trail (the ticket's order)
 * @param at when the step happened (workflow time)
 * @param recordedAt when the ledger took it (later than {@code at} when the database was down)
 * @param prevHash the previous row's hash (64 zeros for the first row)
 * @param hash SHA-256 over this row's content and prevHash ({@link AuditChain#hash})
 */
public record AuditRow(long position, String requestId, long sequence, Instant at, Instant recordedAt, String kind,
    String status, String text, String requester, String app, String role, String ticketKey, String prevHash,
    String hash) {}
