package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.ReviewPass;
import io.temporal.activity.ActivityInterface;
import java.time.Instant;
import java.util.List;

/**
 * An access review's activities, over the ledger (where the items are), the IdP, chat and the
 * ticket. Every method is safe to repeat.
 */
@ActivityInterface(namePrefix = "Review")
public interface ReviewWork {

  /** Opens the campaign's ticket (scope, reviewers, due date); its key, or "" when no ticket system is configured. */
  String openTicket(String reviewId);

  /** Opens the next page of items from the inventory, with recommendations and reviewers; 0 when every item is open. */
  int openPage(String reviewId, int limit);

  /** Every item is open: reviewers may decide. Returns the number of items. */
  int opened(String reviewId);

  /**
   * Tells up to {@code limit} reviewers with items left, after {@code afterReviewer}, about them
   * (occasion: open, reminder, escalated): a message each, edited in place after that.
   *
   * @return the last reviewer told, or null when there are no more
   */
  String tellReviewers(String reviewId, String occasion, String afterReviewer, int limit);

  /** Edits these reviewers' messages in place to show what is left for them. */
  void refreshMessages(String reviewId, List<String> reviewers);

  /** Carries out up to {@code limit} due revocations through the IdP, each recorded. */
  ReviewPass revoke(String reviewId, int limit);

  /** Writes up to {@code limit} decisions and revocations not yet on the ticket as part {@code part}; returns how many. */
  int report(String reviewId, long part, int limit);

  /** Hands the items left to the escalation reviewers, with a new due date; returns how many. */
  int escalate(String reviewId, Instant newDueAt);

  /** Rules the items nobody reviewed ({@code rule}: keep or revoke); returns the outcome in words. */
  String closeUnreviewed(String reviewId, String rule);

  /** Every revocation is confirmed: the campaign is closed, and its ticket says how it ended (part {@code part}). */
  void close(String reviewId, long part);
}
