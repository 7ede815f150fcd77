package dev.accessflow.worker;

import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.ports.ReclaimMessages;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reclaim's chat played in memory: what each person, manager and owner was shown, in order. */
final class RecordingReclaimChat implements ReclaimMessages {
  final List<ReclaimWarning> warnings = new CopyOnWriteArrayList<>();
  /** Each warning edited in place: "D-ada@example.com ts-3: removed at …". */
  final List<String> settled = new CopyOnWriteArrayList<>();
  /** What managers and owners were shown, in order: "manager mo: …", "owner omar posted: …". */
  final List<String> told = new CopyOnWriteArrayList<>();

  @Override
  public ChatMessageRef warn(ReclaimWarning w) {
    warnings.add(w);
    return new ChatMessageRef(w.login(), "D-" + w.login(), "ts-" + w.itemId());
  }

  @Override
  public void settle(ChatMessageRef message, ReclaimWarning w, String outcome) {
    settled.add(message.channelId() + " " + message.ts() + ": " + outcome);
  }

  @Override
  public ChatMessageRef warnManager(ReclaimWarning w, String manager) {
    told.add("manager " + manager + ": warned of " + w.login());
    return new ChatMessageRef(manager, "D-" + manager, "m-" + w.itemId());
  }

  @Override
  public void settleManager(ChatMessageRef message, ReclaimWarning w, String outcome) {
    told.add("manager " + message.recipient() + " " + message.ts() + ": " + outcome);
  }

  @Override
  public ChatMessageRef summarize(String owner, ReclaimSummary r, ChatMessageRef shown, List<KeepAsked> news) {
    told.add("owner " + owner + (shown == null ? " posted" : " edited " + shown.ts()) + ": " + r.findings()
        + " found, " + r.warned() + " warned, " + r.keepRequested() + " asked, " + r.kept() + " kept, "
        + r.removed() + " removed, " + r.wouldReclaim() + " would" + (r.closed() ? ", closed" : "")
        + news.stream().map(k -> "; news: " + k.askedBy() + " asks for " + k.login()).reduce("", String::concat));
    return shown != null ? shown : new ChatMessageRef(owner, "D-" + owner, "o-1");
  }
}
