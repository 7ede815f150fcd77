package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.ChatMessageRef;
import java.time.Instant;
import java.util.List;

/**
 * The chat side of auto-reclaim: a person warned that access they do not use is about to be taken
 * back, their manager told of it (as the policy says), and the app's owners kept up to date with
 * one summary of the run. Every message is edited in place as things change.
 */
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

  /**
   * One run as the app's owners see it: what it found, what became of it so far, and the Keeps
   * waiting for an owner to confirm them (each with its button).
   *
   * @param nextGraceEnd when the earliest grace still running ends, or null
   * @param found up to a dozen findings, one line each (who, role, why), for the owners to read at a glance
   * @param awaitingOwner Keeps an owner confirms (keepConfirmedBy: owner), at most a handful
   */
  record ReclaimSummary(String runId, String app, String appName, boolean dryRun, String ticketKey, boolean closed,
      int findings, int warned, int keepRequested, int removing, int removed, int kept, int wouldReclaim, int exempt,
      int noSignal, Instant nextGraceEnd, List<String> found, List<KeepAsked> awaitingOwner) {
    public ReclaimSummary {
      found = List.copyOf(found);
      awaitingOwner = List.copyOf(awaitingOwner);
    }
  }

  /** A Keep asked for (by the person or their manager) that an owner confirms before {@code graceEndsAt}. */
  record KeepAsked(long itemId, String login, String role, String askedBy, String reason, Instant graceEndsAt) {}

  /** Tells the person (a direct message with a Keep button); the message posted, or null when there is no chat. */
  ChatMessageRef warn(ReclaimWarning warning);

  /** Edits the warning in place to say what became of the access ({@code outcome}, in words); the button goes. */
  void settle(ChatMessageRef message, ReclaimWarning warning, String outcome);

  /**
   * Tells the person's manager of the warning (a direct message; they may keep the access with a
   * reason); the message posted, or null when the manager has no chat account.
   */
  ChatMessageRef warnManager(ReclaimWarning warning, String manager);

  /** Edits the manager's message in place to say what became of the access; the button goes. */
  void settleManager(ChatMessageRef message, ReclaimWarning warning, String outcome);

  /**
   * Shows an owner the run's summary: edits {@code shown} in place when there is one, else posts
   * it; each of {@code news} (a Keep newly waiting for them) is also said under it, so they are
   * notified. The message that shows it now, or null when the owner has no chat account.
   */
  ChatMessageRef summarize(String owner, ReclaimSummary summary, ChatMessageRef shown, List<KeepAsked> news);

  /** No chat configured: the warning is on the run's ticket and in the ledger only. */
  ReclaimMessages NONE = new ReclaimMessages() {
    @Override
    public ChatMessageRef warn(ReclaimWarning warning) {
      return null;
    }

    @Override
    public void settle(ChatMessageRef message, ReclaimWarning warning, String outcome) {}

    @Override
    public ChatMessageRef warnManager(ReclaimWarning warning, String manager) {
      return null;
    }

    @Override
    public void settleManager(ChatMessageRef message, ReclaimWarning warning, String outcome) {}

    @Override
    public ChatMessageRef summarize(String owner, ReclaimSummary summary, ChatMessageRef shown,
        List<KeepAsked> news) {
      return null;
    }
  };
}
