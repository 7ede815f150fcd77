package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RequesterNotice;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The chat port (Slack): asks approvers, keeps their messages current, tells the requester. */
@ActivityInterface(namePrefix = "Chat")
public interface ApprovalChat {

  /** Message each approver of the stage; returns where each message went (empty when no chat is configured). */
  List<ChatMessageRef> askApprovers(ApprovalPrompt prompt);

  /** Edit the approvers' messages in place to show the outcome; never re-posts. */
  void showOutcome(List<ChatMessageRef> messages, RequesterNotice outcome);

  /** Tell the requester what happened to their request. */
  void notifyRequester(RequesterNotice notice);

  /** Nudge approvers who have not decided: a reply under each of their messages, not a new prompt. */
  void remindApprovers(List<ChatMessageRef> messages, RequesterNotice reminder);

  /** Post to the security/announcement channel (break-glass use, escalations); no-op when none is configured. */
  void announce(RequesterNotice notice);

  /** Post a security alert that concerns no request (drift: access nobody granted); no-op when no channel is configured. */
  void alertSecurity(String text);
}
