package dev.accessflow.workflows.request;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.Failures;
import dev.accessflow.workflows.approval.ApprovalRound;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.ChatItem;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.NoticeBatch;
import dev.accessflow.workflows.model.NoticeReceipt;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.ports.RequestNotices;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Everything a request tells the outside world, in order: the audit trail on its ticket and in the
 * ledger, and the chat messages to approvers, the requester and the security channel.
 *
 * <p>What one step of the request produces goes out as one {@link NoticeBatch} (one activity for
 * the ticket, the chat and the ledger together). When a port fails, what is left of its part goes to that
 * port's own retry lane, one activity Temporal retries with backoff, while the other port carries
 * on: a Jira outage never holds up Slack or the ledger, nor the other way round. Each port stays in order, and
 * nothing posted is ever dropped, not even what an update handler posts after the request drained.
 */
final class RequestOutbox {
  private static final Logger log = Workflow.getLogger(RequestOutbox.class);

  /** A chat item waiting to go out; an outcome is completed with the approvers' messages when it is sent. */
  private record Pending(ChatItem item, Consumer<List<ChatMessageRef>> onAsked) {}

  private final RequestNotices notices =
      Workflow.newActivityStub(RequestNotices.class, AccessflowTemporal.notificationOptions());
  private final RequestNotices localNotices =
      Workflow.newLocalActivityStub(RequestNotices.class, AccessflowTemporal.localNoticeOptions());
  private final RequestNotices ledgerLane =
      Workflow.newActivityStub(RequestNotices.class, AccessflowTemporal.ledgerRetryOptions());
  private final AccessRequest request;
  private final Consumer<String> onUndeliverable;
  private final Supplier<LedgerPart> facts;
  /** Null until the first audit step decides it: requests begun before the ledger existed have none. */
  private Boolean ledgerOn;
  private final List<AuditEntry> ledgerQueue = new ArrayList<>();
  private boolean ledgerInFlight;
  /** The state changed in a way the ledger has not been told (without an audit step). */
  private boolean ledgerStale;
  private boolean ledgerHasRequest;
  private long ledgerRevision;
  private LedgerPart ledgerLast;
  private final List<AuditEntry> ticketQueue = new ArrayList<>();
  private final List<Pending> chatQueue = new ArrayList<>();
  private final List<ChatMessageRef> approverMessages = new ArrayList<>();
  private String ticketKey;
  private final Runnable onTicketKey;
  private boolean ticketOpened;
  /** Entries on their way (a port's part is in flight, or in its retry lane): that port waits. */
  private int ticketInFlight;
  private boolean chatBusy;
  private int holds;
  private boolean nextLocally;
  private boolean dispatching;
  private long sequence;

  /**
   * @param onUndeliverable told when an item failed for good (a vendor's non-retryable refusal); its port moves on
   * @param facts the request's facts now, as the ledger records them with each step
   * @param onTicketKey told when the ticket's key first becomes known (the workflow shows it in the Temporal UI)
   */
  RequestOutbox(AccessRequest request, Consumer<String> onUndeliverable, Supplier<LedgerPart> facts,
      Runnable onTicketKey) {
    this.request = request;
    this.onUndeliverable = onUndeliverable;
    this.facts = facts;
    this.onTicketKey = onTicketKey;
    this.ticketKey = request.ticketKey();
  }

  /** One step of the audit trail; the ticket is opened with the first. */
  void audit(AuditKind kind, RequestStatus status, String text) {
    AuditEntry entry = new AuditEntry(++sequence, now(), kind, status, text);
    log.info("request {} [{}] {}", request.requestId(), kind, text);
    ticketQueue.add(entry);
    if (ledgerOn()) {
      ledgerQueue.add(entry);
    }
    dispatch();
  }

  /** Tells the ledger the request's state now, if it changed since the last step it was told. */
  void recordState() {
    if (ledgerOn() && !comparable(facts.get()).equals(ledgerLast)) {
      ledgerStale = true;
      dispatch();
    }
  }

  private boolean ledgerOn() {
    if (ledgerOn == null) {
      ledgerOn = Workflow.getVersion(AccessflowTemporal.VERSION_LEDGER, Workflow.DEFAULT_VERSION, 1) == 1;
    }
    return ledgerOn;
  }

  void notifyRequester(AuditKind kind, String text) {
    post(ChatItem.notify(notice(kind, text, null)));
  }

  /** Edits every approver message to show the outcome (with the decision that made it, if any), and tells the requester. */
  void tellEveryone(AuditKind kind, String text, RecordedDecision decision) {
    RequesterNotice notice = notice(kind, text, decision);
    post(ChatItem.outcome(List.of(), notice));
    post(ChatItem.notify(notice));
  }

  void announce(AuditKind kind, String text) {
    post(ChatItem.announce(notice(kind, text, null)));
  }

  /** Puts one stage of a round to the given approvers; their message refs go to the round (reminders) and here (outcome edits). */
  void ask(ApprovalRound round, int index, List<String> approvers) {
    ChatItem item = ChatItem.ask(new ApprovalPrompt(request, round.stage(index), approvers, null));
    chatQueue.add(new Pending(item, refs -> {
      approverMessages.addAll(refs);
      round.recordMessages(index, refs);
    }));
    dispatch();
  }

  void remind(List<ChatMessageRef> messages, String text) {
    if (!messages.isEmpty()) {
      post(ChatItem.remind(messages, notice(AuditKind.REMINDER, text, null)));
    }
  }

  /**
   * Keeps what is posted from now on until {@link #release()}, so a short step's notices go out in
   * one batch with what follows it (the decision with the grant it led to).
   */
  void hold() {
    holds++;
    nextLocally = false; // what is held goes out after the step, in a task that starts timers
  }

  void release() {
    holds--;
  }

  /**
   * Sends the next batch as a local activity, inside the workflow task (a marker in history instead
   * of an activity's events and the task that follows it). Only where nothing else in that task
   * waits for it: a timer started in it would start late by as long as the batch takes.
   */
  void sendNextLocally() {
    nextLocally = true;
  }

  /** Waits until both ports have everything posted so far. */
  void drain() {
    Workflow.await(this::isDrained);
  }

  boolean isDrained() {
    return ticketQueue.isEmpty() && ticketInFlight == 0 && chatQueue.isEmpty() && !chatBusy && !ledgerWaiting()
        && !ledgerInFlight;
  }

  String ticketKey() {
    return ticketKey;
  }

  /** Audit entries not yet on the ticket. */
  int ticketBacklog() {
    return ticketQueue.size() + ticketInFlight;
  }

  List<ChatMessageRef> approverMessages() {
    return List.copyOf(approverMessages);
  }

  private void post(ChatItem item) {
    chatQueue.add(new Pending(item, refs -> {}));
    dispatch();
  }

  private void dispatch() {
    if (!dispatching) {
      dispatching = true;
      Async.procedure(this::dispatchForever);
    }
  }

  /** Its own workflow thread: whatever both ports can take goes out in one batch. */
  private void dispatchForever() {
    while (true) {
      Workflow.await(() -> holds == 0
          && (ticketInFlight == 0 && !ticketQueue.isEmpty() || !chatBusy && !chatQueue.isEmpty()
              || !ledgerInFlight && ledgerWaiting()));
      List<AuditEntry> entries = ticketInFlight == 0 ? takeAll(ticketQueue) : List.of();
      List<Pending> items = chatBusy ? List.of() : takeAll(chatQueue);
      LedgerPart ledger = !ledgerInFlight && ledgerWaiting() ? ledgerPart() : null;
      ticketInFlight += entries.size();
      chatBusy = !items.isEmpty() || chatBusy;
      RequestNotices via = nextLocally ? localNotices : notices;
      nextLocally = false;
      Async.procedure(() -> deliver(via, entries, items, ledger));
    }
  }

  private void deliver(RequestNotices via, List<AuditEntry> entries, List<Pending> items, LedgerPart ledger) {
    List<AuditEntry> ticketLeft = entries;
    List<Pending> chatLeft = items;
    boolean ledgerLeft = ledger != null;
    try {
      NoticeReceipt receipt = via.deliver(batch(entries, items, false, ledger));
      ticketLeft = settleTicket(receipt, entries);
      chatLeft = settleChat(receipt, items);
      ledgerLeft = ledger != null && receipt.ledgerRetry() != null;
      receipt.undeliverable().forEach(this::undeliverable);
    } catch (ActivityFailure failure) {
      log.warn("request {}: notices failed as a whole ({}); each port retries on its own", request.requestId(),
          Failures.describe(failure));
    }
    if (ledger != null && !ledgerLeft) {
      ledgerRecorded();
    } else if (ledger != null) {
      Async.procedure(() -> insistOnLedger(ledger));
    }
    if (!entries.isEmpty()) {
      List<AuditEntry> left = ticketLeft;
      Async.procedure(() -> insistOnTicket(entries.size(), left));
    }
    if (!items.isEmpty()) {
      List<Pending> left = chatLeft;
      Async.procedure(() -> insistOnChat(left));
    }
  }

  /** The ticket's retry lane: the entries left, in one activity retried until Jira takes them. */
  private void insistOnTicket(int taken, List<AuditEntry> left) {
    if (!left.isEmpty()) {
      try {
        NoticeReceipt receipt = notices.deliver(batch(left, List.of(), true, null));
        settleTicket(receipt, left);
        receipt.undeliverable().forEach(this::undeliverable);
      } catch (ActivityFailure failure) {
        undeliverable(Failures.describe(failure));
      }
    }
    ticketInFlight -= taken;
  }

  /**
   * The ledger's retry lane: the part, in one activity Temporal retries until the database takes it.
   * The next part waits for it, so the rows arrive in order however long the database was down.
   */
  private void insistOnLedger(LedgerPart part) {
    try {
      ledgerLane.deliver(new NoticeBatch(request.requestId(), null, ticketKey, List.of(), List.of(), true, part));
    } catch (ActivityFailure failure) {
      // Retried without limit: only a cancelled workflow ends here, and the next part tries again.
      log.warn("request {}: the ledger part {} was not recorded: {}", request.requestId(), part.revision(),
          Failures.describe(failure));
    }
    ledgerRecorded();
  }

  private boolean ledgerWaiting() {
    return !ledgerQueue.isEmpty() || ledgerStale;
  }

  /** The entries waiting for the ledger, with the state after them. */
  private LedgerPart ledgerPart() {
    LedgerPart now = facts.get();
    ledgerStale = false;
    ledgerInFlight = true;
    ledgerLast = comparable(now);
    return now.as(++ledgerRevision, takeAll(ledgerQueue), !ledgerHasRequest);
  }

  private void ledgerRecorded() {
    ledgerHasRequest = true;
    ledgerInFlight = false;
  }

  /** The facts as the ledger keeps them: without the request, and without the ticket backlog, which moves on its own. */
  private static LedgerPart comparable(LedgerPart facts) {
    AccessRequestState s = facts.state();
    AccessRequestState kept = new AccessRequestState(null, s.status(), s.submittedAt(), s.stageIndex(), s.decisions(),
        s.idpUserId(), s.grantedAt(), s.expiresAt(), s.revokedAt(), s.revocationOverdueSince(), s.revocationLag(),
        s.ticketKey(), s.approverMessages(), s.lastError(), 0, s.route(), s.breakGlassUnreviewed());
    return new LedgerPart(0, kept, facts.standingGroups(), facts.approvedBy(), List.of());
  }

  /** The chat's retry lane: one message per activity, since a repeated chat message would be seen twice. */
  private void insistOnChat(List<Pending> left) {
    for (Pending pending : left) {
      try {
        NoticeReceipt receipt = notices.deliver(batch(List.of(), List.of(pending), true, null));
        settleChat(receipt, List.of(pending));
        receipt.undeliverable().forEach(this::undeliverable);
      } catch (ActivityFailure failure) {
        undeliverable(Failures.describe(failure));
      }
    }
    chatBusy = false;
  }

  private NoticeBatch batch(List<AuditEntry> entries, List<Pending> items, boolean insist, LedgerPart ledger) {
    boolean open = !ticketOpened && !entries.isEmpty();
    List<ChatItem> chat = items.stream().map(Pending::item).map(this::complete).toList();
    return new NoticeBatch(request.requestId(), open ? request : null, ticketKey, entries, chat, insist, ledger);
  }

  /** An outcome edits every approver message known when it is sent; a prompt links the ticket once it is open. */
  private ChatItem complete(ChatItem item) {
    return switch (item.kind()) {
      case OUTCOME -> ChatItem.outcome(approverMessages, item.notice());
      case ASK -> item.prompt().ticketKey() != null || ticketKey == null ? item : ChatItem.ask(new ApprovalPrompt(
          item.prompt().request(), item.prompt().stage(), item.prompt().approvers(), ticketKey));
      default -> item;
    };
  }

  private List<AuditEntry> settleTicket(NoticeReceipt receipt, List<AuditEntry> entries) {
    if (receipt.ticketOpened() && !ticketOpened && !entries.isEmpty()) {
      ticketOpened = true;
      ticketKey = receipt.ticketKey() != null ? receipt.ticketKey() : ticketKey;
      if (ticketKey != null) {
        onTicketKey.run();
      }
    }
    return List.copyOf(entries.subList(Math.min(receipt.entriesHandled(), entries.size()), entries.size()));
  }

  private List<Pending> settleChat(NoticeReceipt receipt, List<Pending> items) {
    int handled = Math.min(receipt.chatHandled(), items.size());
    int asked = 0;
    for (Pending pending : items.subList(0, handled)) {
      if (pending.item().kind() == ChatItem.Kind.ASK && asked < receipt.asked().size()) {
        pending.onAsked().accept(receipt.asked().get(asked++));
      }
    }
    return List.copyOf(items.subList(handled, items.size()));
  }

  private static <T> List<T> takeAll(List<T> queue) {
    List<T> taken = List.copyOf(queue);
    queue.clear();
    return taken;
  }

  private RequesterNotice notice(AuditKind kind, String text, RecordedDecision decision) {
    return new RequesterNotice(request.requestId(), request.requester(), kind, text, decision);
  }

  private void undeliverable(String error) {
    onUndeliverable.accept(error);
    log.warn("request {}: could not deliver a notification: {}", request.requestId(), error);
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
