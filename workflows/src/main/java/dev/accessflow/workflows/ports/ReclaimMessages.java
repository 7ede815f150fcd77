package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.ChatMessageRef;
import java.time.Instant;
import java.util.List;

/** The chat side of auto-reclaim: a person warned that access they do not use is about to be taken back. */
public interface ReclaimMessages {

  /**
   * Everything a warning shows: what, why (the signal and the last use), until when, and how to keep it.
   *
   * @param keepConfirmedBy member (their Keep with a reason keeps it) or owner (an owner confirms it)
   */
  record ReclaimWarning(long itemId, String runId, String login, String displayName, String app, String appName,
      String role, List<String> groups, String finding, Instant graceEndsAt, String keepConfirmedBy,
      List<String> owners) {
    public ReclaimWarning {
      groups = List.copyOf(groups);
      owners = List.copyOf(owners);
    }
  }

  /** Tells the person (a direct message with a Keep button); the message posted, or null when there is no chat. */
  ChatMessageRef warn(ReclaimWarning warning);

  /** Edits the warning in place to say what became of the access ({@code outcome}, in words); the button goes. */
  void settle(ChatMessageRef message, ReclaimWarning warning, String outcome);

  /** No chat configured: the warning is on the run's ticket and in the ledger only. */
  ReclaimMessages NONE = new ReclaimMessages() {
    @Override
    public ChatMessageRef warn(ReclaimWarning warning) {
      return null;
    }

    @Override
    public void settle(ChatMessageRef message, ReclaimWarning warning, String outcome) {}
  };
}
