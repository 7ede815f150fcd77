package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static dev.accessflow.workflows.testing.AccessRequests.OWNER;
import static dev.accessflow.workflows.testing.AccessRequests.REQUESTER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.Histories;
import dev.accessflow.workflows.testing.RecordingLedger;
import dev.accessflow.workflows.testing.RecordingTickets;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The request workflow tells the ledger every step the ticket gets, off the decision path. */
class LedgerWritesTest {
  @RegisterExtension
  final RequestWorkflowExtension temporal = new RequestWorkflowExtension(new FakeDirectory()
      .withUser(REQUESTER, MANAGER).withUser(MANAGER, null).withUser(OWNER, null));
  private final RecordingLedger ledger = temporal.ledger;
  private final RecordingTickets tickets = temporal.tickets;

  @Test
  void theLedgerGetsEveryStepOfTheTicketInTheSameOrderAndWordsAndTheFinalState() {
    AccessRequestWorkflow workflow = temporal.submit(AccessRequests.grafanaAdmin("l1"));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("e1", MANAGER, Verdict.APPROVE, Channel.SLACK, "ok"));

    AccessRequestState done = RequestWorkflowExtension.result(workflow);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(ledger.entries()).isEqualTo(tickets.entries());
    assertThat(ledger.sequences()).isSorted().doesNotHaveDuplicates();
    LedgerPart last = ledger.latest("l1");
    assertThat(last.state().status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(last.state().revokedAt()).isEqualTo(done.revokedAt());
    assertThat(last.state().decisions()).hasSize(1);
    assertThat(last.approvedBy()).isEqualTo(AccessflowTemporal.APPROVED_BY_PEOPLE);
    Histories.recordIfAsked(temporal.client(), AccessflowTemporal.workflowId("l1"), "ledger-approved-and-expired");
  }

  @Test
  void theLedgerDownForAMinuteDelaysNoDecisionAndItsRowsArriveInOrderAfterwards() {
    long start = temporal.env().currentTimeMillis();
    ledger.downUntil(temporal.env()::currentTimeMillis, start + Duration.ofSeconds(60).toMillis());
    AccessRequestWorkflow workflow = temporal.submit(AccessRequests.grafanaAdmin("l2"));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);

    long before = System.nanoTime();
    UpdateOutcome approved = workflow.decide(new Decision("e1", MANAGER, Verdict.APPROVE, Channel.SLACK, "ok"));
    AccessRequestState active = AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);
    long decisionMillis = (System.nanoTime() - before) / 1_000_000;

    assertThat(approved.status()).isEqualTo(RequestStatus.APPROVED);
    assertThat(Instant.ofEpochMilli(temporal.env().currentTimeMillis()))
        .as("the grant happened while the ledger was down").isBefore(Instant.ofEpochMilli(start).plusSeconds(60));
    assertThat(decisionMillis).as("wall time from the decision to the grant, ms").isLessThan(10_000);
    assertThat(ledger.entries()).as("nothing recorded while the ledger was down").isEmpty();

    AccessRequestState done = RequestWorkflowExtension.result(workflow);

    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(active.grantedAt()).isNotNull();
    assertThat(ledger.entries()).as("every step, in order, once the ledger was back").isEqualTo(tickets.entries());
    assertThat(ledger.latest("l2").state().status()).isEqualTo(RequestStatus.EXPIRED);
    assertThat(ledger.latest("l2").state().request()).as("the ledger got the request itself").isNotNull();
    // The catch-up runs behind everything else, so a database coming back never holds up a removal.
    var scheduled = temporal.client().fetchHistory(AccessflowTemporal.workflowId("l2")).getEvents().stream()
        .filter(io.temporal.api.history.v1.HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .map(io.temporal.api.history.v1.HistoryEvent::getActivityTaskScheduledEventAttributes).toList();
    assertThat(scheduled).filteredOn(a -> a.getPriority().getPriorityKey()
            == AccessflowTemporal.LEDGER_CATCH_UP_PRIORITY.getPriorityKey())
        .as("the ledger's retry lane").isNotEmpty()
        .allSatisfy(a -> assertThat(a.getActivityType().getName()).isEqualTo("NoticesDeliver"));
    assertThat(scheduled).filteredOn(a -> a.getActivityType().getName().startsWith("Idp"))
        .allSatisfy(a -> assertThat(a.getPriority().getPriorityKey())
            .isLessThan(AccessflowTemporal.LEDGER_CATCH_UP_PRIORITY.getPriorityKey()));
    Histories.recordIfAsked(temporal.client(), AccessflowTemporal.workflowId("l2"), "ledger-through-an-outage");
  }
}
