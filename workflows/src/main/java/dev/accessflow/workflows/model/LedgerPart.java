package dev.accessflow.workflows.model;

import java.util.List;

/**
 * What the ledger is told at one step of a request: the audit entries of the step, in order, and the
 * request's state after them (the ledger keeps its rows of the request, decisions and grants current
 * from it).
 *
 * @param revision counts the parts of one request, in the order they were sent: a row is only ever
 *     replaced by a part with a higher revision, so a late retry never overwrites newer state
 * @param state the request's state after the entries; its {@code request} is null once the ledger has it
 * @param standingGroups groups the person was a member of before the grant (accessflow leaves them in place)
 * @param approvedBy how the grant was approved (people, policy or break-glass), null until it is
 */
public record LedgerPart(long revision, AccessRequestState state, List<String> standingGroups, String approvedBy,
    List<AuditEntry> entries) {

  public LedgerPart {
    standingGroups = standingGroups == null ? List.of() : List.copyOf(standingGroups);
    entries = entries == null ? List.of() : List.copyOf(entries);
  }

  /** The facts of a request as they are now, before the outbox numbers them and adds the entries. */
  public static LedgerPart facts(AccessRequestState state, List<String> standingGroups, String approvedBy) {
    return new LedgerPart(0, state, standingGroups, approvedBy, List.of());
  }

  /** These facts as the given part of the request: numbered, with its entries, the request left out when the ledger has it. */
  public LedgerPart as(long number, List<AuditEntry> stepEntries, boolean withRequest) {
    return new LedgerPart(number, withRequest ? state : state.withoutRequest(), standingGroups, approvedBy, stepEntries);
  }
}
