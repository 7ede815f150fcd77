package dev.accessflow.api.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.methods.MethodsClient;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.ReviewDecisions;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.workflows.model.Channel;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Keep / Revoke buttons of the review messages (SlackBlocks.reviewDigest in activities): Keep
 * and "Keep all recommended" decide at once; Revoke opens a form for the comment that goes on the
 * record. Acknowledged at once, decided on the executor, with the same rules as REST (through
 * {@link ReviewDecisions}); the workflow then edits the reviewer's message in place.
 */
public final class SlackReviewActions {
  private static final Logger log = LoggerFactory.getLogger(SlackReviewActions.class);
  public static final String ACTION_KEEP = "review_keep";
  public static final String ACTION_REVOKE = "review_revoke";
  public static final String ACTION_KEEP_RECOMMENDED = "review_keep_recommended";
  public static final String REVOKE_CALLBACK_ID = "review_revoke_comment";
  static final String COMMENT_BLOCK = "revoke_comment";
  private static final SlackReasonForm FORM = new SlackReasonForm(REVOKE_CALLBACK_ID, "Revoke access", "Revoke",
      "Revoke", COMMENT_BLOCK, "revoke_comment_input", "Why should this access go?", ReviewDecisions.COMMENT_MAX);
  /** "reviewId:itemId" as the buttons carry it; anything else is answered, never acted on. */
  private static final Pattern ITEM = Pattern.compile("([A-Za-z0-9._-]{1,80}):([0-9]{1,18})");
  private static final Pattern REVIEW = Pattern.compile("[A-Za-z0-9._-]{1,80}");

  private final ReviewDecisions decisions;
  private final SlackIdentities identities;
  private final MethodsClient slack;
  private final Executor work;

  public SlackReviewActions(ReviewDecisions decisions, SlackIdentities identities, MethodsClient slack, Executor work) {
    this.decisions = decisions;
    this.identities = identities;
    this.slack = slack;
    this.work = SlackReplies.guarded(work);
  }

  public void register(App app) {
    app.blockAction(ACTION_KEEP, (req, ctx) -> {
      String value = req.getPayload().getActions().get(0).getValue();
      String user = req.getPayload().getUser().getId();
      work.execute(() -> onItem(value, user, ctx, (review, item, login) ->
          decisions.decide(review, item, "keep", null, login, Channel.SLACK)));
      return ctx.ack();
    });
    app.blockAction(ACTION_REVOKE, (req, ctx) -> {
      String value = req.getPayload().getActions().get(0).getValue();
      String user = req.getPayload().getUser().getId();
      String trigger = req.getPayload().getTriggerId();
      work.execute(() -> openRevokeForm(value, user, trigger, ctx));
      return ctx.ack();
    });
    app.blockAction(ACTION_KEEP_RECOMMENDED, (req, ctx) -> {
      String review = req.getPayload().getActions().get(0).getValue();
      String user = req.getPayload().getUser().getId();
      work.execute(() -> keepRecommended(review, user, ctx));
      return ctx.ack();
    });
    app.viewSubmission(REVOKE_CALLBACK_ID, (req, ctx) -> {
      String said = FORM.text(req);
      if (said == null) {
        return ctx.ackWithErrors(Map.of(COMMENT_BLOCK, "Say why this access should go: it goes on the record."));
      }
      String value = SlackReasonForm.item(req);
      if (value == null || !ITEM.matcher(value).matches()) {
        return ctx.ackWithErrors(Map.of(COMMENT_BLOCK, "This form names no review item; click Revoke again."));
      }
      String user = req.getPayload().getUser().getId();
      work.execute(() -> onItem(value, user, null, (review, item, login) ->
          decisions.decide(review, item, "revoke", said, login, Channel.SLACK)));
      return ctx.ack();
    });
  }

  private interface ItemDecision {
    ReviewLedger.Item decide(String reviewId, long itemId, String login);
  }

  private void onItem(String value, String slackUserId, ActionContext ctx, ItemDecision decision) {
    var matched = value == null ? null : ITEM.matcher(value);
    if (matched == null || !matched.matches()) {
      tell(slackUserId, ctx, "This button does not name an accessflow review item; nothing was done.");
      return;
    }
    String answer = null;
    try {
      Optional<String> login = identities.login(slackUserId);
      if (login.isEmpty()) {
        answer = "Not recorded: your Slack profile has no email accessflow can match to a reviewer.";
      } else {
        decision.decide(matched.group(1), Long.parseLong(matched.group(2)), login.get());
      }
    } catch (ApiProblem refused) {
      answer = "Not recorded: " + refused.getMessage() + ".";
    } catch (Exception e) {
      log.warn("Slack review decision on {} failed: {}", value, e.toString());
      answer = "accessflow could not record your decision just now; please click again in a minute.";
    }
    // A decision that went in needs no answer: the message is edited in place to show what is left.
    if (answer != null) {
      tell(slackUserId, ctx, answer);
    }
  }

  private void keepRecommended(String reviewId, String slackUserId, ActionContext ctx) {
    if (reviewId == null || !REVIEW.matcher(reviewId).matches()) {
      tell(slackUserId, ctx, "This button does not name an accessflow review; nothing was done.");
      return;
    }
    String answer;
    try {
      Optional<String> login = identities.login(slackUserId);
      if (login.isEmpty()) {
        answer = "Not recorded: your Slack profile has no email accessflow can match to a reviewer.";
      } else {
        List<ReviewLedger.Item> kept = decisions.keepRecommended(reviewId, login.get(), Channel.SLACK);
        answer = "Kept " + kept.size() + (kept.size() == 1 ? " item" : " items") + " as recommended.";
      }
    } catch (ApiProblem refused) {
      answer = "Not recorded: " + refused.getMessage() + ".";
    } catch (Exception e) {
      log.warn("Slack bulk keep on review {} failed: {}", reviewId, e.toString());
      answer = "accessflow could not record your decisions just now; please click again in a minute.";
    }
    tell(slackUserId, ctx, answer);
  }

  private void openRevokeForm(String value, String slackUserId, String triggerId, ActionContext ctx) {
    if (value == null || !ITEM.matcher(value).matches()) {
      tell(slackUserId, ctx, "This button does not name an accessflow review item; nothing was done.");
      return;
    }
    FORM.open(slack, triggerId, slackUserId, ctx, value, "Revoke review item *" + value.substring(value.indexOf(':') + 1)
        + "*. accessflow removes the access in the identity provider; your comment goes on the record.");
  }

  private void tell(String slackUserId, ActionContext ctx, String text) {
    SlackReplies.tell(slack, slackUserId, ctx, text);
  }
}
