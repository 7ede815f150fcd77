package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AuditEntry;
import io.temporal.activity.ActivityInterface;

/** The ticket port: the system of record (Jira) where every step lands as evidence. */
@ActivityInterface(namePrefix = "Ticket")
public interface AccessTickets {

  /**
   * Open the request's ticket, or adopt {@code request.ticketKey()} when it started there.
   * Idempotent: a retry finds the ticket it already opened. Returns the key, or null when no
   * ticket system is configured.
   */
  String openTicket(AccessRequest request);

  /**
   * Open a ticket that reports drift (access nobody granted through accessflow), or find the one a
   * retry already opened for {@code reportId}. Returns its key, or null when no ticket system is configured.
   */
  String openDriftTicket(String reportId, String summary, String text);

  /**
   * Open the one ticket of an access review campaign, or find the one a retry already opened for
   * {@code reviewId}. Returns its key, or null when no ticket system is configured.
   */
  String openReviewTicket(String reviewId, String summary, String text);

  /**
   * Add part {@code part} of a review's record (decisions, revocations, the outcome) to its ticket
   * as a comment; a retry finds the comment it already added and adds nothing.
   */
  void commentReview(String ticketKey, String reviewId, long part, String text);

  /**
   * Open the one ticket of an app's reclaim run, or find the one a retry already opened for
   * {@code runId}. Returns its key, or null when no ticket system is configured (the default).
   */
  default String openReclaimTicket(String runId, String summary, String text) {
    return null;
  }

  /** Add part {@code part} of a reclaim run's record to its ticket; a retry adds nothing twice. */
  default void commentReclaim(String ticketKey, String runId, long part, String text) {}

  /** Write one audit step (comment, and status transition) to the ticket; skips a sequence already written. */
  void record(String ticketKey, String requestId, AuditEntry entry);
}
