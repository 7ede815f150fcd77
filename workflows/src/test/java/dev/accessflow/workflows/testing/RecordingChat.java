package dev.accessflow.workflows.testing;

import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.ports.ApprovalChat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A chat port that keeps every message it would have sent or edited. */
public final class RecordingChat implements ApprovalChat {
  private final List<ApprovalPrompt> prompts = new CopyOnWriteArrayList<>();
  private final List<String> edits = new CopyOnWriteArrayList<>();
  private final List<RequesterNotice> outcomes = new CopyOnWriteArrayList<>();
  private final List<RequesterNotice> notices = new CopyOnWriteArrayList<>();
  private final List<String> reminders = new CopyOnWriteArrayList<>();
  private final List<RequesterNotice> announcements = new CopyOnWriteArrayList<>();
  private final List<String> alerts = new CopyOnWriteArrayList<>();

  @Override
  public List<ChatMessageRef> askApprovers(ApprovalPrompt prompt) {
    prompts.add(prompt);
    return prompt.approvers().stream()
        .map(a -> new ChatMessageRef(a, "D-" + a, prompt.request().requestId() + "." + prompts.size()))
        .toList();
  }

  @Override
  public void showOutcome(List<ChatMessageRef> messages, RequesterNotice outcome) {
    outcomes.add(outcome);
    messages.forEach(m -> edits.add(m.channelId() + "/" + m.ts() + ": " + outcome.kind()));
  }

  @Override
  public void notifyRequester(RequesterNotice notice) {
    notices.add(notice);
  }

  @Override
  public void remindApprovers(List<ChatMessageRef> messages, RequesterNotice reminder) {
    messages.forEach(m -> reminders.add(m.channelId() + "/" + m.ts() + ": " + reminder.text()));
  }

  @Override
  public void announce(RequesterNotice notice) {
    announcements.add(notice);
  }

  public List<String> reminders() {
    return List.copyOf(reminders);
  }

  @Override
  public void alertSecurity(String text) {
    alerts.add(text);
  }

  public List<String> alerts() {
    return List.copyOf(alerts);
  }

  public List<RequesterNotice> announcements() {
    return List.copyOf(announcements);
  }

  public List<ApprovalPrompt> prompts() {
    return List.copyOf(prompts);
  }

  /** Every outcome the approvers' messages were edited to show, as the workflow gave it. */
  public List<RequesterNotice> outcomes() {
    return List.copyOf(outcomes);
  }

  public List<String> edits() {
    return List.copyOf(edits);
  }

  public List<RequesterNotice> notices() {
    return List.copyOf(notices);
  }
}
