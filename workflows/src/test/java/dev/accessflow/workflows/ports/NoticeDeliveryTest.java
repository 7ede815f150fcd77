package dev.accessflow.workflows.ports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.model.NoticeBatch;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.testing.RecordingChat;
import dev.accessflow.workflows.testing.RecordingLedger;
import dev.accessflow.workflows.testing.RecordingTickets;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a retry lane's batch fails while its port is down: what Temporal retries, and how loudly. */
class NoticeDeliveryTest {
  private final RecordingTickets tickets = new RecordingTickets();
  private final RecordingLedger ledger = new RecordingLedger();
  private final NoticeDelivery delivery = new NoticeDelivery(tickets, new RecordingChat(), ledger);

  @Test
  void aLedgerLaneFailingWhileTheDatabaseIsDownIsRetriedAsABenignFailureAndSucceedsWhenItIsBack() {
    ledger.down(true);
    NoticeBatch lane = new NoticeBatch("r1", null, "ACC-1", List.of(), List.of(), true,
        new LedgerPart(1, null, List.of(), null, List.of()));

    ApplicationFailure failure = catchThrowableOfType(() -> delivery.deliver(lane), ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo(NoticeDelivery.UNDELIVERED);
    assertThat(failure.isNonRetryable()).isFalse();
    assertThat(failure.getCategory()).isEqualTo(ApplicationErrorCategory.BENIGN);
    assertThat(failure.getOriginalMessage()).startsWith("ledger: ");

    ledger.down(false);
    assertThat(delivery.deliver(lane).ledgerRetry()).isNull();
    assertThat(ledger.latest("r1").revision()).isEqualTo(1);
  }

  @Test
  void aTicketLaneFailingStaysAnOrdinaryFailure() {
    tickets.failNextCalls(1);
    NoticeBatch lane = new NoticeBatch("r1", null, "ACC-1",
        List.of(new AuditEntry(1, Instant.parse("2026-12-01T00:00:00Z"), AuditKind.SUBMITTED, RequestStatus.SUBMITTED,
            "Submitted.")), List.of(), true, null);

    ApplicationFailure failure = catchThrowableOfType(() -> delivery.deliver(lane), ApplicationFailure.class);

    assertThat(failure.getType()).isEqualTo(NoticeDelivery.UNDELIVERED);
    assertThat(failure.getCategory()).isNotEqualTo(ApplicationErrorCategory.BENIGN);
  }

  @Test
  void theBacklogCountsEachRequestWithAPartLeftBehindPerPortUntilThatPortTakesIt() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NoticeDelivery metered = new NoticeDelivery(tickets, new RecordingChat(), ledger, new AccessflowMetrics(registry));
    AuditEntry entry = new AuditEntry(1, Instant.parse("2026-12-01T00:00:00Z"), AuditKind.SUBMITTED,
        RequestStatus.SUBMITTED, "Submitted.");
    NoticeBatch ticketOnly = new NoticeBatch("r1", null, "ACC-1", List.of(entry), List.of(), false, null);
    NoticeBatch ledgerOnly = new NoticeBatch("r2", null, "ACC-2", List.of(), List.of(), false,
        new LedgerPart(1, null, List.of(), null, List.of()));

    tickets.failNextCalls(1);
    assertThat(metered.deliver(ticketOnly).ticketRetry()).isNotNull();
    ledger.down(true);
    metered.deliver(ledgerOnly);
    assertThat(backlog(registry, "ticket")).isEqualTo(1);
    assertThat(backlog(registry, "ledger")).isEqualTo(1);
    assertThat(backlog(registry, "chat")).isZero();

    // A later batch of r1 that carries no ticket part leaves r1's ticket backlog alone.
    metered.deliver(new NoticeBatch("r1", null, "ACC-1", List.of(), List.of(), false, null));
    assertThat(backlog(registry, "ticket")).isEqualTo(1);
    metered.deliver(ticketOnly);
    assertThat(backlog(registry, "ticket")).isZero();
    ledger.down(false);
    metered.deliver(new NoticeBatch("r2", null, "ACC-2", List.of(), List.of(), true,
        new LedgerPart(1, null, List.of(), null, List.of())));
    assertThat(backlog(registry, "ledger")).isZero();
  }

  private static double backlog(SimpleMeterRegistry registry, String port) {
    return registry.get("accessflow.notice.backlog").tag("port", port).gauge().value();
  }
}
