package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.ChatMessageRef;
import java.time.Instant;
import java.util.List;

/**
 * Chat for access reviews (Slack): one message per reviewer per campaign, showing a page of the
 * items left for them with Keep / Revoke buttons, edited in place as they decide. Not an activity
 * interface: the review's activities call it.
 */
public interface ReviewMessages {

  /** One item as the reviewer sees it: who, what, from where, and the recommendation with its reason. */
  record DigestItem(long itemId, String login, String displayName, String app, String role, String source,
      String requestId, String lastLogin, String department, String title, String recommendation, String reason) {}

  /**
   * What a reviewer's message shows.
   *
   * @param occasion open, reminder, escalated, or update (after a decision)
   * @param left items left for this reviewer (the message shows the first of them)
   * @param recommendedKeeps of those, how many the review recommends keeping (the bulk button)
   */
  record ReviewerDigest(String reviewId, String name, String reviewer, String occasion, Instant dueAt, int left,
      int recommendedKeeps, List<DigestItem> items) {
    public ReviewerDigest {
      items = List.copyOf(items);
    }
  }

  /**
   * Posts the reviewer's message, or edits {@code existing} in place (a reminder also replies under
   * it). Returns where the message is, or null when there is no chat or no chat account for the reviewer.
   */
  ChatMessageRef show(ReviewerDigest digest, ChatMessageRef existing);

  /** No chat: reviewers decide through REST or Jira. */
  ReviewMessages NONE = (digest, existing) -> null;
}
