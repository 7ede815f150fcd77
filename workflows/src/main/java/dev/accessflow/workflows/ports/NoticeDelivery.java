package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.ChatItem;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.NoticeBatch;
import dev.accessflow.workflows.model.NoticeReceipt;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RequestNotices} over the ticket, chat and ledger ports: the ticket is opened first (so the
 * approvers' prompts can link it), then the entries, the chat messages and the ledger part go out
 * side by side. A vendor's refusal (a non-retryable failure) gives up on that one item and goes on;
 * any other failure stops that port's part only, and the receipt says where.
 *
 * <p>The ledger is local and fast, but a database that is down must not slow the notices down
 * every time: after a failure, batches that are not the ledger's retry lane skip it for
 * {@link #LEDGER_BACKOFF} (the lane, retried by Temporal, finds out when it is back).
 */
public final class NoticeDelivery implements RequestNotices {
  private static final Logger log = LoggerFactory.getLogger(NoticeDelivery.class);
  /** Failure type of an insisting batch whose port is still failing: Temporal retries it. */
  public static final String UNDELIVERED = "NoticeUndelivered";

  static final long LEDGER_BACKOFF = 5_000;

  private final AccessTickets tickets;
  private final ApprovalChat chat;
  private final AccessLedger ledger;
  private final ExecutorService chatThreads = DaemonThreads.cachedPool("accessflow-chat-notices");
  private final ExecutorService ledgerThreads = DaemonThreads.cachedPool("accessflow-ledger-writes");
  /** Until when batches outside the ledger's retry lane skip the ledger, and why. */
  private volatile long ledgerDownUntil;
  private volatile String ledgerDownBecause;
  /** Whether the last write failed, so an outage is logged once when it starts and once when it ends. */
  private final AtomicBoolean ledgerFailing = new AtomicBoolean();
  private final AtomicLong failedWrites = new AtomicLong();
  private volatile long ledgerFailingSince;

  /** Requests whose last batch left a part behind, per port: the backlog an operator sees. */
  private final Map<String, Set<String>> behind = Map.of("ticket", ConcurrentHashMap.newKeySet(),
      "chat", ConcurrentHashMap.newKeySet(), "ledger", ConcurrentHashMap.newKeySet());

  public NoticeDelivery(AccessTickets tickets, ApprovalChat chat, AccessLedger ledger) {
    this(tickets, chat, ledger, AccessflowMetrics.none());
  }

  public NoticeDelivery(AccessTickets tickets, ApprovalChat chat, AccessLedger ledger, AccessflowMetrics metrics) {
    this.tickets = tickets;
    this.chat = chat;
    this.ledger = ledger;
    behind.forEach((port, requests) -> metrics.gauge("accessflow.notice.backlog",
        "Requests with a part for this port still waiting in its retry lane", requests::size, "port", port));
  }

  private record TicketPart(String key, boolean opened, int handled, List<String> undeliverable, String retry) {}

  private record ChatPart(int handled, List<List<ChatMessageRef>> asked, List<String> undeliverable, String retry) {}

  @Override
  public NoticeReceipt deliver(NoticeBatch batch) {
    String key = batch.ticketKey();
    boolean opened = batch.openTicketFor() == null;
    TicketPart refusedOpening = null;
    String openError = null;
    if (!opened) {
      try {
        String opening = tickets.openTicket(batch.openTicketFor());
        key = opening != null ? opening : key;
        opened = true;
      } catch (RuntimeException e) {
        if (refused(e)) {
          // No ticket for these entries; the next batch tries to open it again.
          refusedOpening = new TicketPart(key, false, batch.entries().size(),
              List.of("opening the ticket: " + message(e) + " (" + batch.entries().size() + " audit step(s) not written)"), null);
        } else {
          openError = "opening the ticket: " + message(e);
        }
      }
    }
    String ticketKey = key;
    CompletableFuture<String> ledgerPart = batch.ledger() == null
        ? CompletableFuture.completedFuture(null)
        : CompletableFuture.supplyAsync(() -> ledger(batch), ledgerThreads);
    // The chat part runs beside the ticket part; the ticket part keeps the activity's thread (its adapter reads the attempt).
    CompletableFuture<ChatPart> chatPart = batch.chat().isEmpty()
        ? CompletableFuture.completedFuture(new ChatPart(0, List.of(), List.of(), null))
        : CompletableFuture.supplyAsync(() -> chat(batch.chat(), ticketKey), chatThreads);
    TicketPart ticketPart = refusedOpening != null ? refusedOpening
        : openError != null ? new TicketPart(ticketKey, false, 0, List.of(), openError)
        : entries(batch.requestId(), ticketKey, batch.entries());
    ChatPart chatDone;
    try {
      chatDone = chatPart.join();
    } catch (CompletionException e) {
      chatDone = new ChatPart(0, List.of(), List.of(), message(e.getCause()));
    }
    String ledgerRetry = ledgerPart.join();
    List<String> undeliverable = new ArrayList<>(ticketPart.undeliverable());
    undeliverable.addAll(chatDone.undeliverable());
    NoticeReceipt receipt = new NoticeReceipt(ticketKey, ticketPart.opened(), ticketPart.handled(), chatDone.handled(), chatDone.asked(),
        undeliverable, ticketPart.retry(), chatDone.retry(), ledgerRetry);
    // Only a port this batch carried a part for moves: the others' lanes are elsewhere.
    if (batch.openTicketFor() != null || !batch.entries().isEmpty()) {
      note("ticket", batch.requestId(), receipt.ticketRetry());
    }
    if (!batch.chat().isEmpty()) {
      note("chat", batch.requestId(), receipt.chatRetry());
    }
    if (batch.ledger() != null) {
      note("ledger", batch.requestId(), receipt.ledgerRetry());
    }
    if (batch.insist()) {
      String retry = receipt.ticketRetry() != null ? receipt.ticketRetry()
          : receipt.chatRetry() != null ? receipt.chatRetry() : receipt.ledgerRetry();
      if (retry != null) {
        ApplicationFailure.Builder failure = ApplicationFailure.newBuilder().setMessage(retry).setType(UNDELIVERED);
        if (receipt.ticketRetry() == null && receipt.chatRetry() == null) {
          // Only the ledger is behind: expected while the database is down and retried until it is back.
          // Said once per outage below, not with a stack trace per attempt (the pending activity shows it).
          failure.setCategory(ApplicationErrorCategory.BENIGN);
        }
        throw failure.build();
      }
    }
    return receipt;
  }

  private void note(String port, String requestId, String retry) {
    if (retry != null) {
      behind.get(port).add(requestId);
    } else {
      behind.get(port).remove(requestId);
    }
  }

  /** Records the ledger part; null when done, else why not. */
  private String ledger(NoticeBatch batch) {
    if (!batch.insist() && System.currentTimeMillis() < ledgerDownUntil) {
      return "the ledger is unavailable: " + ledgerDownBecause;
    }
    try {
      ledger.record(batch.requestId(), batch.ledger());
      ledgerDownUntil = 0;
      if (ledgerFailing.compareAndSet(true, false)) {
        log.info("ledger: writes succeed again after {} failed attempt(s) over {} s; parts missed meanwhile arrive"
            + " through their retry lanes, in order", failedWrites.getAndSet(0),
            (System.currentTimeMillis() - ledgerFailingSince) / 1000);
      }
      return null;
    } catch (RuntimeException e) {
      ledgerDownBecause = message(e);
      ledgerDownUntil = System.currentTimeMillis() + LEDGER_BACKOFF;
      failedWrites.incrementAndGet();
      if (ledgerFailing.compareAndSet(false, true)) {
        ledgerFailingSince = System.currentTimeMillis();
        log.warn("ledger: a write failed ({}); every part waits in its request's retry lane until the database takes it,"
            + " and no access decision waits for it", ledgerDownBecause);
      }
      return "ledger: " + ledgerDownBecause;
    }
  }

  private TicketPart entries(String requestId, String key, List<AuditEntry> entries) {
    List<String> undeliverable = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      AuditEntry entry = entries.get(i);
      try {
        tickets.record(key, requestId, entry);
      } catch (RuntimeException e) {
        if (!refused(e)) {
          return new TicketPart(key, true, i, undeliverable, "audit step " + entry.sequence() + ": " + message(e));
        }
        undeliverable.add("audit step " + entry.sequence() + " (" + entry.kind() + "): " + message(e));
      }
    }
    return new TicketPart(key, true, entries.size(), undeliverable, null);
  }

  private ChatPart chat(List<ChatItem> items, String ticketKey) {
    List<List<ChatMessageRef>> asked = new ArrayList<>();
    List<ChatMessageRef> askedHere = new ArrayList<>();
    List<String> undeliverable = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ChatItem item = items.get(i);
      try {
        switch (item.kind()) {
          case ASK -> {
            ApprovalPrompt prompt = item.prompt();
            List<ChatMessageRef> refs = chat.askApprovers(prompt.ticketKey() != null || ticketKey == null ? prompt
                : new ApprovalPrompt(prompt.request(), prompt.stage(), prompt.approvers(), ticketKey));
            refs = refs == null ? List.of() : refs;
            asked.add(refs);
            askedHere.addAll(refs);
          }
          case OUTCOME -> {
            List<ChatMessageRef> messages = new ArrayList<>(item.messages());
            askedHere.stream().filter(ref -> !messages.contains(ref)).forEach(messages::add);
            if (!messages.isEmpty()) {
              chat.showOutcome(messages, item.notice());
            }
          }
          case NOTIFY -> chat.notifyRequester(item.notice());
          case REMIND -> {
            if (!item.messages().isEmpty()) {
              chat.remindApprovers(item.messages(), item.notice());
            }
          }
          case ANNOUNCE -> chat.announce(item.notice());
        }
      } catch (RuntimeException e) {
        if (!refused(e)) {
          return new ChatPart(i, asked, undeliverable, "chat " + item.kind().name().toLowerCase() + ": " + message(e));
        }
        undeliverable.add("chat " + item.kind().name().toLowerCase() + ": " + message(e));
        if (item.kind() == ChatItem.Kind.ASK) {
          asked.add(List.of());
        }
      }
    }
    return new ChatPart(items.size(), asked, undeliverable, null);
  }

  private static boolean refused(Throwable e) {
    return e instanceof ApplicationFailure failure && failure.isNonRetryable();
  }

  private static String message(Throwable e) {
    if (e instanceof ApplicationFailure failure) {
      return failure.getOriginalMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
