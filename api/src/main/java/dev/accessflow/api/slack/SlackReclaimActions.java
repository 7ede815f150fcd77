package dev.accessflow.api.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.methods.MethodsClient;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.ReclaimKeeps;
import dev.accessflow.workflows.model.Channel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "Keep access…" button of a reclaim warning (SlackBlocks.reclaimWarning in activities): it
 * opens a form for the reason, and the submission keeps the access by the same rules as REST
 * (through {@link ReclaimKeeps}); the run then edits the warning in place to say it was kept.
 */
public final class SlackReclaimActions {
  private static final Logger log = LoggerFactory.getLogger(SlackReclaimActions.class);
  public static final String ACTION_KEEP = "reclaim_keep";
  public static final String KEEP_CALLBACK_ID = "reclaim_keep_reason";
  static final String REASON_BLOCK = "keep_reason";
  private static final SlackReasonForm FORM = new SlackReasonForm(KEEP_CALLBACK_ID, "Keep access", "Keep",
      "Keep access", REASON_BLOCK, "keep_reason_input", "Why is it still needed?", ReclaimKeeps.MAX_REASON);
  /** The item id as the button carries it; anything else is answered, never acted on. */
  private static final Pattern ITEM = Pattern.compile("[0-9]{1,18}");

  private final ReclaimKeeps keeps;
  private final SlackIdentities identities;
  private final MethodsClient slack;
  private final Executor work;

  public SlackReclaimActions(ReclaimKeeps keeps, SlackIdentities identities, MethodsClient slack, Executor work) {
    this.keeps = keeps;
    this.identities = identities;
    this.slack = slack;
    this.work = SlackReplies.guarded(work);
  }

  public void register(App app) {
    app.blockAction(ACTION_KEEP, (req, ctx) -> {
      String value = req.getPayload().getActions().get(0).getValue();
      String user = req.getPayload().getUser().getId();
      String trigger = req.getPayload().getTriggerId();
      work.execute(() -> openReasonForm(value, user, trigger, ctx));
      return ctx.ack();
    });
    app.viewSubmission(KEEP_CALLBACK_ID, (req, ctx) -> {
      String said = FORM.text(req);
      if (said == null) {
        return ctx.ackWithErrors(Map.of(REASON_BLOCK, "Say why you still need this access: it goes on the record."));
      }
      String value = SlackReasonForm.item(req);
      if (value == null || !ITEM.matcher(value).matches()) {
        return ctx.ackWithErrors(Map.of(REASON_BLOCK, "This form names no reclaim item; click Keep access again."));
      }
      String user = req.getPayload().getUser().getId();
      work.execute(() -> keep(Long.parseLong(value), said, user));
      return ctx.ack();
    });
  }

  private void keep(long itemId, String reason, String slackUserId) {
    String answer = null;
    try {
      Optional<String> login = identities.login(slackUserId);
      if (login.isEmpty()) {
        answer = "Not recorded: your Slack profile has no email accessflow can match to a person.";
      } else {
        keeps.keep(itemId, login.get(), reason, Channel.SLACK);
      }
    } catch (ApiProblem refused) {
      answer = "Not recorded: " + refused.getMessage() + ".";
    } catch (Exception e) {
      log.warn("Slack reclaim keep of item {} failed: {}", itemId, e.toString());
      answer = "accessflow could not record your Keep just now; please click Keep access again in a minute.";
    }
    // A Keep that went in needs no answer: the warning is edited in place to say it was kept.
    if (answer != null) {
      SlackReplies.tell(slack, slackUserId, null, answer);
    }
  }

  private void openReasonForm(String value, String slackUserId, String triggerId, ActionContext ctx) {
    if (value == null || !ITEM.matcher(value).matches()) {
      SlackReplies.tell(slack, slackUserId, ctx, "This button does not name an accessflow reclaim item; nothing was done.");
      return;
    }
    FORM.open(slack, triggerId, slackUserId, ctx, value, "Keep the access of reclaim item *" + value + "*. Your reason"
        + " goes on the record, where the app's owners read it.");
  }
}
