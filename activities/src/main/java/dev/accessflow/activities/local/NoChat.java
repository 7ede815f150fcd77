package dev.accessflow.activities.local;

import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.ports.ApprovalChat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The chat port when no Slack is configured: says in the log who would have been messaged. */
public final class NoChat implements ApprovalChat {
  private static final Logger log = LoggerFactory.getLogger(NoChat.class);

  @Override
  public List<ChatMessageRef> askApprovers(ApprovalPrompt prompt) {
    log.info("request {}: approvers of stage '{}' would be asked in chat: {}", prompt.request().requestId(),
        prompt.stage().name(), prompt.approvers());
    return List.of();
  }

  @Override
  public void showOutcome(List<ChatMessageRef> messages, RequesterNotice outcome) {
    // No messages were posted, so there is nothing to edit.
  }

  @Override
  public void notifyRequester(RequesterNotice notice) {
    log.info("request {}: {} would be told: {}", notice.requestId(), notice.requester(), notice.text());
  }

  @Override
  public void remindApprovers(List<ChatMessageRef> messages, RequesterNotice reminder) {
    // No messages were posted, so there is nothing to reply under.
  }

  @Override
  public void announce(RequesterNotice notice) {
    log.info("request {}: would be announced to the security channel: {}", notice.requestId(), notice.text());
  }

  @Override
  public void alertSecurity(String text) {
    log.warn("security alert (no chat configured): {}", text);
  }
}
