package dev.accessflow.workflows.request;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.approval.ApprovalRound;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.ApprovalChat;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * Everything a request tells the outside world, in order: the audit trail on its ticket and the
 * chat messages to approvers, the requester and the security channel. Two queues, so a Jira outage
 * never holds up Slack and the other way round; each in order, none ever dropped.
 */
final class RequestOutbox {
  private static final Logger log = Workflow.getLogger(RequestOutbox.class);

  private final AccessTickets tickets =
      Workflow.newActivityStub(AccessTickets.class, AccessflowTemporal.notificationOptions());
  private final ApprovalChat chat =
      Workflow.newActivityStub(ApprovalChat.class, AccessflowTemporal.notificationOptions());
  private final AccessRequest request;
  private final Outbox ticketQueue = new Outbox(this::undeliverable);
  private final Outbox chatQueue = new Outbox(this::undeliverable);
  private final List<ChatMessageRef> approverMessages = new ArrayList<>();
  private String ticketKey;
  private boolean ticketOpened;
  private long sequence;
  private final Consumer<String> onUndeliverable;

  /** @param onUndeliverable told when an item failed for good (a non-retryable vendor error); its queue moves on */
  RequestOutbox(AccessRequest request, Consumer<String> onUndeliverable) {
    this.request = request;
    this.onUndeliverable = onUndeliverable;
    this.ticketKey = request.ticketKey();
  }

  /** One step of the audit trail; the ticket is opened with the first. */
  void audit(AuditKind kind, RequestStatus status, String text) {
    AuditEntry entry = new AuditEntry(++sequence, now(), kind, status, text);
    log.info("request {} [{}] {}", request.requestId(), kind, text);
    ticketQueue.post(() -> {
      if (!ticketOpened) {
        String key = tickets.openTicket(request);
        ticketKey = key != null ? key : ticketKey;
        ticketOpened = true;
      }
      tickets.record(ticketKey, request.requestId(), entry);
    });
  }

  void notifyRequester(AuditKind kind, String text) {
    RequesterNotice notice = notice(kind, text, null);
    chatQueue.post(() -> chat.notifyRequester(notice));
  }

  /** Edits every approver message to show the outcome (with the decision that made it, if any), and tells the requester. */
  void tellEveryone(AuditKind kind, String text, RecordedDecision decision) {
    RequesterNotice notice = notice(kind, text, decision);
    chatQueue.post(() -> {
      if (!approverMessages.isEmpty()) {
        chat.showOutcome(List.copyOf(approverMessages), notice);
      }
    });
    chatQueue.post(() -> chat.notifyRequester(notice));
  }

  void announce(AuditKind kind, String text) {
    RequesterNotice notice = notice(kind, text, null);
    chatQueue.post(() -> chat.announce(notice));
  }

  /** Puts one stage of a round to the given approvers; their message refs go to the round (reminders) and here (outcome edits). */
  void ask(ApprovalRound round, int index, List<String> approvers) {
    ApprovalStage stage = round.stage(index);
    chatQueue.post(() -> {
      List<ChatMessageRef> refs = chat.askApprovers(new ApprovalPrompt(request, stage, approvers, ticketKey));
      approverMessages.addAll(refs);
      round.recordMessages(index, refs);
    });
  }

  void remind(List<ChatMessageRef> messages, String text) {
    RequesterNotice notice = notice(AuditKind.REMINDER, text, null);
    if (!messages.isEmpty()) {
      chatQueue.post(() -> chat.remindApprovers(messages, notice));
    }
  }

  /** Waits until both queues are delivered. */
  void drain() {
    ticketQueue.closeAndAwait();
    chatQueue.closeAndAwait();
  }

  boolean isDrained() {
    return ticketQueue.isEmpty() && chatQueue.isEmpty();
  }

  String ticketKey() {
    return ticketKey;
  }

  int ticketBacklog() {
    return ticketQueue.backlog();
  }

  List<ChatMessageRef> approverMessages() {
    return List.copyOf(approverMessages);
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
