package dev.accessflow.workflows.request;

import java.util.Map;
import dev.accessflow.workflows.model.RequestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.testing.RecordingLedger;
import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.ApprovalChat;
import dev.accessflow.workflows.ports.NoticeDelivery;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxTest {
  @WorkflowInterface
  public interface OutboxProbe {
    @WorkflowMethod
    List<String> run(AccessRequest request);
  }

  /**
   * Two steps, a pause between them, and a step after the outbox drained (as a late update handler
   * posts after the request's main path drained).
   */
  public static final class OutboxProbeImpl implements OutboxProbe {
    @Override
    public List<String> run(AccessRequest request) {
      List<String> undeliverable = new ArrayList<>();
      RequestOutbox outbox = new RequestOutbox(request, undeliverable::add, () -> LedgerPart.facts(new AccessRequestState(
          request, RequestStatus.SUBMITTED, null, 0, List.of(), null, null, null, null, null, null, null, List.of(), null, 0,
          List.of(), false), List.of(), null), () -> { });
      outbox.audit(AuditKind.SUBMITTED, RequestStatus.SUBMITTED, "one");
      outbox.notifyRequester(AuditKind.SUBMITTED, "hello");
      Workflow.sleep(Duration.ofSeconds(10));
      outbox.audit(AuditKind.DECISION, RequestStatus.PENDING_APPROVAL, "two");
      outbox.notifyRequester(AuditKind.DECISION, "later");
      outbox.drain();
      outbox.audit(AuditKind.REVOKED, RequestStatus.REVOKED, "after the drain");
      outbox.notifyRequester(AuditKind.REVOKED, "after the drain");
      outbox.drain();
      return undeliverable;
    }
  }

  /** Both ports write to one log, so the order across them shows; the ticket port can be down. */
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final AtomicInteger ticketFailures = new AtomicInteger();
  private boolean ticketRefuses;
  private final RecordingLedger ledger = new RecordingLedger();

  private final AccessTickets tickets = new AccessTickets() {
    @Override
    public String openTicket(AccessRequest request) {
      failIfDown();
      log.add("ticket opened");
      return "ACC-1";
    }

    @Override
    public String openDriftTicket(String reportId, String summary, String text) {
      return null;
    }

    @Override
    public String openReviewTicket(String reviewId, String summary, String text) {
      return null;
    }

    @Override
    public void commentReview(String ticketKey, String reviewId, long part, String text) {}

    @Override
    public void record(String ticketKey, String requestId, AuditEntry entry) {
      failIfDown();
      if (ticketRefuses) {
        throw ApplicationFailure.newNonRetryableFailure("400 from Jira: comment body too large", "JiraRejected");
      }
      if (!log.contains("ticket " + ticketKey + ": " + entry.text())) {
        log.add("ticket " + ticketKey + ": " + entry.text());
      }
    }

    private void failIfDown() {
      if (ticketFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("503 from Jira");
      }
    }
  };

  private final ApprovalChat chat = new ApprovalChat() {
    @Override
    public List<ChatMessageRef> askApprovers(ApprovalPrompt prompt) {
      return List.of();
    }

    @Override
    public void showOutcome(List<ChatMessageRef> messages, RequesterNotice outcome) {}

    @Override
    public void notifyRequester(RequesterNotice notice) {
      log.add("chat: " + notice.text());
    }

    @Override
    public void remindApprovers(List<ChatMessageRef> messages, RequesterNotice reminder) {}

    @Override
    public void announce(RequesterNotice notice) {}

    @Override
    public void alertSecurity(String text) {}
  };

  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker("outbox");
    worker.registerWorkflowImplementationTypes(OutboxProbeImpl.class);
    worker.registerActivitiesImplementations(new NoticeDelivery(tickets, chat, ledger));
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  private List<String> run(String workflowId) {
    OutboxProbe probe = env.getWorkflowClient().newWorkflowStub(OutboxProbe.class, WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId).setTaskQueue("outbox").setWorkflowExecutionTimeout(Duration.ofMinutes(30)).build());
    return probe.run(new AccessRequest("r-1", "ada@example.com", "github", "admin", List.of("g1"), "high",
        Duration.ofHours(1), Duration.ofHours(8), "incident", Channel.REST, List.of(), Duration.ofHours(1), null, RequestPolicy.NONE, Map.of(), null));
  }

  private long noticeActivities(String workflowId) {
    return env.getWorkflowClient().fetchHistory(workflowId).getHistory().getEventsList().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).count();
  }

  @Test
  void eachStepGoesOutAsOneActivityForBothPortsAndAnItemPostedAfterTheDrainIsStillDelivered() {
    assertThat(run("probe-1")).isEmpty();

    // The two ports go side by side, so only each port's own order is fixed.
    assertThat(log.stream().filter(line -> line.startsWith("ticket")).toList())
        .containsExactly("ticket opened", "ticket ACC-1: one", "ticket ACC-1: two", "ticket ACC-1: after the drain");
    assertThat(log.stream().filter(line -> line.startsWith("chat")).toList())
        .containsExactly("chat: hello", "chat: later", "chat: after the drain");
    assertThat(noticeActivities("probe-1")).isEqualTo(3);
    // The ledger rides in the same three activities, with the same entries in the same order.
    assertThat(ledger.entries()).extracting(AuditEntry::text).containsExactly("one", "two", "after the drain");
  }

  @Test
  void aLedgerOutageNeverHoldsUpTheTicketOrTheChatAndTheLedgerStillGetsEveryStepInOrder() {
    ledger.failNextCalls(6);

    assertThat(run("probe-4")).isEmpty();

    assertThat(log.stream().filter(line -> line.startsWith("ticket ACC-1")).toList())
        .containsExactly("ticket ACC-1: one", "ticket ACC-1: two", "ticket ACC-1: after the drain");
    assertThat(ledger.entries()).extracting(AuditEntry::text).containsExactly("one", "two", "after the drain");
    assertThat(ledger.sequences()).containsExactly(1L, 2L, 3L);
    // The failed first part went to the ledger's own lane: more activities than the three batches.
    assertThat(noticeActivities("probe-4")).isGreaterThan(3);
  }

  @Test
  void aTicketOutageNeverHoldsUpChatAndTheTicketStillGetsEveryStepInOrder() {
    ticketFailures.set(8); // Jira answers again only after several retries (about a minute of backoff)

    assertThat(run("probe-2")).isEmpty();

    assertThat(log.indexOf("chat: later")).isLessThan(log.indexOf("ticket ACC-1: one"));
    assertThat(log.stream().filter(line -> line.startsWith("ticket ACC-1")).toList())
        .containsExactly("ticket ACC-1: one", "ticket ACC-1: two", "ticket ACC-1: after the drain");
    assertThat(log.stream().filter(line -> line.startsWith("chat")).toList())
        .containsExactly("chat: hello", "chat: later", "chat: after the drain");
  }

  @Test
  void anEntryTheTicketRefusesIsReportedAndTheOthersStillGoOut() {
    ticketRefuses = true;

    List<String> undeliverable = run("probe-3");

    assertThat(undeliverable).hasSize(3).allSatisfy(line -> assertThat(line).contains("400 from Jira"));
    assertThat(log).contains("chat: hello", "chat: later", "chat: after the drain");
    WorkflowStub.fromTyped(env.getWorkflowClient().newWorkflowStub(OutboxProbe.class, "probe-3")).getResult(List.class);
  }
}
