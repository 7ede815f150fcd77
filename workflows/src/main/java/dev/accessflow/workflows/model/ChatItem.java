package dev.accessflow.workflows.model;

import java.util.List;

/**
 * One chat message of a {@link NoticeBatch}, in the order the request produced it.
 *
 * @param notice what to say (every kind but ASK)
 * @param messages the messages to edit (OUTCOME) or reply under (REMIND)
 * @param prompt the stage to put to its approvers (ASK)
 */
public record ChatItem(Kind kind, RequesterNotice notice, List<ChatMessageRef> messages, ApprovalPrompt prompt) {
  public enum Kind {
    /** Message each approver of a stage; the refs come back in the receipt. */
    ASK,
    /** Edit the approvers' messages in place to show the outcome (also those asked earlier in the same batch). */
    OUTCOME,
    /** Tell the requester. */
    NOTIFY,
    /** A reply under each undecided approver's message. */
    REMIND,
    /** The security / announcement channel. */
    ANNOUNCE
  }

  public ChatItem {
    messages = messages == null ? List.of() : List.copyOf(messages);
  }

  public static ChatItem ask(ApprovalPrompt prompt) {
    return new ChatItem(Kind.ASK, null, List.of(), prompt);
  }

  public static ChatItem outcome(List<ChatMessageRef> messages, RequesterNotice notice) {
    return new ChatItem(Kind.OUTCOME, notice, messages, null);
  }

  public static ChatItem notify(RequesterNotice notice) {
    return new ChatItem(Kind.NOTIFY, notice, List.of(), null);
  }

  public static ChatItem remind(List<ChatMessageRef> messages, RequesterNotice notice) {
    return new ChatItem(Kind.REMIND, notice, messages, null);
  }

  public static ChatItem announce(RequesterNotice notice) {
    return new ChatItem(Kind.ANNOUNCE, notice, List.of(), null);
  }
}
