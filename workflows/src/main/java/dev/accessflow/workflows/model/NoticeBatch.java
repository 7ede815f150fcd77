package dev.accessflow.workflows.model;

import java.util.List;

/**
 * What a request tells the outside world at one step, for every port at once: its audit entries for
 * the ticket, its chat messages and its part for the ledger. Each port's part is delivered on its own, so one vendor failing
 * never stops the other.
 *
 * @param openTicketFor the request whose ticket is opened (or adopted) before the entries; null once it is open
 * @param ticketKey the ticket the entries go to, once known
 * @param ledger the step's part for the ledger, or null when the ledger gets nothing in this batch
 * @param insist a retry lane: a part that fails with a retryable error fails the activity, so
 *     Temporal retries it with backoff (off: the receipt says what is left, and nothing is thrown)
 */
public record NoticeBatch(
    String requestId,
    AccessRequest openTicketFor,
    String ticketKey,
    List<AuditEntry> entries,
    List<ChatItem> chat,
    boolean insist,
    LedgerPart ledger) {

  public NoticeBatch {
    entries = entries == null ? List.of() : List.copyOf(entries);
    chat = chat == null ? List.of() : List.copyOf(chat);
  }

  /** A batch for the ticket and the chat only. */
  public NoticeBatch(String requestId, AccessRequest openTicketFor, String ticketKey, List<AuditEntry> entries,
      List<ChatItem> chat, boolean insist) {
    this(requestId, openTicketFor, ticketKey, entries, chat, insist, null);
  }
}
