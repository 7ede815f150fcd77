package dev.accessflow.api.slack;

import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.methods.MethodsClient;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every Slack handler shares: work done after the acknowledgement, and answering the person who clicked. */
final class SlackReplies {
  private static final Logger log = LoggerFactory.getLogger(SlackReplies.class);

  private SlackReplies() {}

  /** The executor, answering Slack even when its queue is full: the click is dropped with a log line, never a 500. */
  static Executor guarded(Executor work) {
    return task -> {
      try {
        work.execute(task);
      } catch (RejectedExecutionException e) {
        log.error("Slack interaction dropped: the work queue is full ({})", e.getMessage());
      }
    };
  }

  /** Answers the person who clicked: ephemerally under the message when Slack gave a response_url, else a DM. */
  static void tell(MethodsClient slack, String slackUserId, ActionContext ctx, String text) {
    try {
      if (ctx != null && ctx.getResponseUrl() != null) {
        ctx.respond(r -> r.responseType("ephemeral").replaceOriginal(false).text(text));
        return;
      }
      var reply = slack.chatPostMessage(r -> r.channel(slackUserId).text(text));
      if (!reply.isOk()) {
        log.warn("Slack chat.postMessage to the clicker: {}", reply.getError());
      }
    } catch (Exception e) {
      log.warn("could not answer a Slack user: {}", e.toString());
    }
  }
}
