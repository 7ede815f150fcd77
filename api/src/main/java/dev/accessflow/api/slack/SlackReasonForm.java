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

import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.methods.MethodsClient;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import java.util.List;
import java.util.Map;

/**
 * A modal that asks for the one required text a decision goes on the record with (a revoke's
 * comment, a Keep's reason), for the item named in its private metadata.
 *
 * @param what the button's name, for "click … again" ("Revoke", "Keep access")
 */
record SlackReasonForm(String callbackId, String title, String submit, String what, String block, String action,
    String label, int max) {

  /** Opens the form for {@code item}; tells the clicker when Slack would not. */
  void open(MethodsClient slack, String triggerId, String slackUserId, ActionContext ctx, String item, String intro) {
    View form = view(v -> v.type("modal").callbackId(callbackId).privateMetadata(item)
        .title(viewTitle(t -> t.type("plain_text").text(title)))
        .submit(viewSubmit(t -> t.type("plain_text").text(submit)))
        .close(viewClose(t -> t.type("plain_text").text("Cancel")))
        .blocks(List.of(
            section(s -> s.text(markdownText(intro))),
            input(i -> i.blockId(block).label(plainText(label))
                .element(plainTextInput(e -> e.actionId(action).multiline(true).maxLength(max)))))));
    try {
      var reply = slack.viewsOpen(r -> r.triggerId(triggerId).view(form));
      if (!reply.isOk()) {
        SlackReplies.tell(slack, slackUserId, ctx, "Could not open the form (" + reply.getError() + "); click " + what
            + " again.");
      }
    } catch (Exception e) {
      SlackReplies.tell(slack, slackUserId, ctx, "Could not open the form; click " + what + " again.");
    }
  }

  /** The text submitted, stripped and cut to {@link #max}; null when it is empty. */
  String text(ViewSubmissionRequest req) {
    ViewState.Value value = req.getPayload().getView().getState().getValues().getOrDefault(block, Map.of()).get(action);
    return value == null || value.getValue() == null || value.getValue().isBlank() ? null
        : RequestModal.truncate(value.getValue().strip(), max);
  }

  /** The item the form was opened for (its private metadata). */
  static String item(ViewSubmissionRequest req) {
    return req.getPayload().getView().getPrivateMetadata();
  }
}
