package dev.accessflow.activities.local;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ticket port when no Jira is configured: the audit trail goes to the log only. */
public final class LogOnlyTickets implements AccessTickets {
  private static final Logger audit = LoggerFactory.getLogger("accessflow.audit");

  @Override
  public String openTicket(AccessRequest request) {
    return request.ticketKey();
  }

  @Override
  public String openDriftTicket(String reportId, String summary, String text) {
    return null; // the drift report is in the audit log and the ledger
  }

  @Override
  public String openReviewTicket(String reviewId, String summary, String text) {
    return null; // the review's record is in the ledger (GET /v1/reviews/{id}, its export)
  }

  @Override
  public void commentReview(String ticketKey, String reviewId, long part, String text) {
    try (LogContext ignored = LogContext.with("reviewId", reviewId, "auditSequence", Long.toString(part))) {
      audit.info("review {} #{} {}", reviewId, part, text);
    }
  }

  @Override
  public void commentReclaim(String ticketKey, String runId, long part, String text) {
    try (LogContext ignored = LogContext.with("reclaimRunId", runId, "auditSequence", Long.toString(part))) {
      audit.info("reclaim {} #{} {}", runId, part, text);
    }
  }

  @Override
  public void record(String ticketKey, String requestId, AuditEntry entry) {
    // Structured: in the JSON log each fact is a field of its own, beside the readable line.
    try (LogContext ignored = LogContext.of(requestId, null, ticketKey);
        LogContext step = LogContext.with("auditSequence", Long.toString(entry.sequence()), "auditKind",
            entry.kind().name(), "auditStatus", entry.status().name(), "auditAt", entry.at().toString())) {
      audit.info("request {} #{} {} [{}] {}", requestId, entry.sequence(), entry.at(), entry.kind(), entry.text());
    }
  }
}
