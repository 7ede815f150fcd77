package dev.accessflow.api;

import dev.accessflow.ledger.LedgerRefusal;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.ledger.ReviewLedger.Item;
import dev.accessflow.ledger.ReviewRecommendations;
import dev.accessflow.workflows.model.Channel;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One way in for review decisions, from REST and Slack alike: the same checks (a reviewer of the
 * item, never their own access, once), the decision in the ledger, then a nudge to the campaign.
 */
public final class ReviewDecisions {
  private static final Logger audit = LoggerFactory.getLogger("accessflow.audit");
  public static final int COMMENT_MAX = 500;

  private final ReviewLedger reviews;
  private final ReviewWorkflows gateway;

  public ReviewDecisions(ReviewLedger reviews, ReviewWorkflows gateway) {
    this.reviews = reviews;
    this.gateway = gateway;
  }

  /** Records {@code reviewer}'s decision on the item; refusals are ApiProblems that say why. */
  public Item decide(String reviewId, long itemId, String decision, String comment, String reviewer, Channel via) {
    if (!ReviewRecommendations.KEEP.equals(decision) && !ReviewRecommendations.REVOKE.equals(decision)) {
      throw ApiProblem.invalid("decision", "decision must be keep or revoke, not '"
          + (decision == null ? "" : decision.length() > 20 ? decision.substring(0, 20) + "…" : decision) + "'");
    }
    String said = comment == null || comment.isBlank() ? null : comment.strip();
    if (said != null && said.length() > COMMENT_MAX) {
      throw ApiProblem.invalid("comment", "comment is longer than " + COMMENT_MAX + " characters");
    }
    if (ReviewRecommendations.REVOKE.equals(decision) && said == null) {
      throw ApiProblem.invalid("comment", "a revoke needs a comment: it goes on the record with the revocation");
    }
    Item item;
    try {
      item = reviews.decide(reviewId, itemId, decision, reviewer, via.name(), said);
    } catch (LedgerRefusal refused) {
      throw new ApiProblem(refused.status(), refused.getMessage(), refused.status() == 404 ? "itemId" : null);
    }
    audit.info("review {} item {}: {} {} for {} in {}/{} via {}", reviewId, itemId, reviewer, decision, item.login(),
        item.app(), item.role(), via);
    gateway.decided(reviewId, List.of(item.decidedBy()));
    return item;
  }

  /** Keeps every pending item of {@code reviewer}'s that the review recommends keeping. */
  public List<Item> keepRecommended(String reviewId, String reviewer, Channel via) {
    List<Item> kept;
    try {
      kept = reviews.keepRecommended(reviewId, reviewer, via.name());
    } catch (LedgerRefusal refused) {
      throw new ApiProblem(refused.status(), refused.getMessage(), null);
    }
    audit.info("review {}: {} kept {} recommended items via {}", reviewId, reviewer, kept.size(), via);
    if (!kept.isEmpty()) {
      gateway.decided(reviewId, List.of(reviewer.toLowerCase(java.util.Locale.ROOT)));
    }
    return kept;
  }
}
