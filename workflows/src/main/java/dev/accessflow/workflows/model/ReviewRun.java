package dev.accessflow.workflows.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * An access review campaign's workflow state: the input of each run (it continues as new) and
 * what its query answers. The items are in the ledger, never here.
 *
 * @param phase opening, telling (reviewers are being told), open, escalated, closing
 * @param dueAt when the deciding ends (moved on by an escalation)
 * @param remindEvery between reminders to reviewers with items left
 * @param unreviewed keep, revoke or escalate
 * @param escalationGrace under escalate, how long the escalation reviewers get
 * @param ticketKey the campaign's ticket, once opened ("" when no ticket system is configured)
 * @param retryRevocationsAt when a revocation that failed is due again, or null
 * @param refresh reviewers whose messages show items someone decided since
 * @param nudged a decision was recorded: carry out revocations and write the record
 * @param reportPart the last part of the record written to the ticket
 * @param outcome what the unreviewed rule did, once it ran
 */
public record ReviewRun(String reviewId, String phase, Instant dueAt, Instant nextReminderAt, Duration remindEvery,
    String unreviewed, Duration escalationGrace, String ticketKey, Instant retryRevocationsAt, List<String> refresh,
    boolean nudged, long reportPart, String outcome) {

  public static final String OPENING = "opening";
  public static final String TELLING = "telling";
  public static final String OPEN = "open";
  public static final String ESCALATED = "escalated";
  public static final String CLOSING = "closing";

  public ReviewRun {
    refresh = refresh == null ? List.of() : List.copyOf(refresh);
  }

  /** A new campaign's first run. */
  public static ReviewRun start(String reviewId, Instant dueAt, Duration remindEvery, String unreviewed,
      Duration escalationGrace) {
    return new ReviewRun(reviewId, OPENING, dueAt, null, remindEvery, unreviewed, escalationGrace, null, null,
        List.of(), false, 0, null);
  }
}
