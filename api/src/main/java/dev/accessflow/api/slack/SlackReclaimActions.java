package dev.accessflow.api.slack;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.methods.MethodsClient;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.ReclaimKeeps;
import dev.accessflow.workflows.model.Channel;
import java.util.List;
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
  static final String REASON_ACTION = "keep_reason_input";
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
      ViewState.Value reason = req.getPayload().getView().getState().getValues()
          .getOrDefault(REASON_BLOCK, Map.of()).get(REASON_ACTION);
      if (reason == null || reason.getValue() == null || reason.getValue().isBlank()) {
        return ctx.ackWithErrors(Map.of(REASON_BLOCK, "Say why you still need this access: it goes on the record."));
      }
      String value = req.getPayload().getView().getPrivateMetadata();
      if (value == null || !ITEM.matcher(value).matches()) {
        return ctx.ackWithErrors(Map.of(REASON_BLOCK, "This form names no reclaim item; click Keep access again."));
      }
      String said = RequestModal.truncate(reason.getValue().strip(), ReclaimKeeps.MAX_REASON);
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
    View form = view(v -> v.type("modal").callbackId(KEEP_CALLBACK_ID).privateMetadata(value)
        .title(viewTitle(t -> t.type("plain_text").text("Keep access")))
        .submit(viewSubmit(t -> t.type("plain_text").text("Keep")))
        .close(viewClose(t -> t.type("plain_text").text("Cancel")))
        .blocks(List.of(
            section(s -> s.text(markdownText("Keep the access of reclaim item *" + value + "*. Your reason goes on"
                + " the record, where the app's owners read it."))),
            input(i -> i.blockId(REASON_BLOCK).label(plainText("Why do you still need it?"))
                .element(plainTextInput(e -> e.actionId(REASON_ACTION).multiline(true)
                    .maxLength(ReclaimKeeps.MAX_REASON)))))));
    try {
      var reply = slack.viewsOpen(r -> r.triggerId(triggerId).view(form));
      if (!reply.isOk()) {
        SlackReplies.tell(slack, slackUserId, ctx, "Could not open the Keep form (" + reply.getError()
            + "); click Keep access again.");
      }
    } catch (Exception e) {
      SlackReplies.tell(slack, slackUserId, ctx, "Could not open the Keep form; click Keep access again.");
    }
  }
}
