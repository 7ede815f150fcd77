package dev.accessflow.workflows.model;

import java.util.List;

/**
 * What came of a {@link NoticeBatch}, port by port.
 *
 * @param ticketKey the ticket's key once opened (null when no ticket system is configured)
 * @param ticketOpened the opening asked for is done (or there was none to do)
 * @param entriesHandled leading entries delivered, or given up on as undeliverable
 * @param chatHandled leading chat items delivered, or given up on as undeliverable
 * @param asked for each ASK item handled, in order, where its messages went (empty when undeliverable)
 * @param undeliverable why items were given up on (a vendor's non-retryable refusal), one line each
 * @param ticketRetry the retryable error that stopped the ticket part, or null when it is done
 * @param chatRetry the retryable error that stopped the chat part, or null when it is done
 * @param ledgerRetry why the ledger part was not recorded, or null when it was (or there was none)
 */
public record NoticeReceipt(
    String ticketKey,
    boolean ticketOpened,
    int entriesHandled,
    int chatHandled,
    List<List<ChatMessageRef>> asked,
    List<String> undeliverable,
    String ticketRetry,
    String chatRetry,
    String ledgerRetry) {

  public NoticeReceipt {
    asked = asked == null ? List.of() : asked.stream().map(List::copyOf).toList();
    undeliverable = undeliverable == null ? List.of() : List.copyOf(undeliverable);
  }

  /** A receipt of a batch without a ledger part. */
  public NoticeReceipt(String ticketKey, boolean ticketOpened, int entriesHandled, int chatHandled,
      List<List<ChatMessageRef>> asked, List<String> undeliverable, String ticketRetry, String chatRetry) {
    this(ticketKey, ticketOpened, entriesHandled, chatHandled, asked, undeliverable, ticketRetry, chatRetry, null);
  }
}
