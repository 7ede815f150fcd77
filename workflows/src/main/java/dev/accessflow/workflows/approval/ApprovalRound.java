package dev.accessflow.workflows.approval;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.Verdict;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One round of decisions over the request's route, stage by stage: the approval of the request,
 * of an extension, or the after-the-fact review of a break-glass grant. One person gives one
 * approval per round; approvals are counted per stage position (two stages may share a name).
 * Plain deterministic state; the workflow runs the timers and the side effects.
 */
public final class ApprovalRound {
  /** What a round decides. */
  public enum Purpose { APPROVAL, EXTENSION, REVIEW }

  /** Where a recorded decision left the round. */
  public enum Progress { COUNTED, NEXT_STAGE, COMPLETE, DENIED }

  /** Why a decision is refused: {@code kind} is one of AccessflowTemporal's REFUSED_* types. */
  public record Refusal(String kind, String reason) {}

  private final Purpose purpose;
  private final List<ApprovalStage> route;
  private final String requester;
  private final List<RecordedDecision> decisions = new ArrayList<>();
  private final List<Integer> decidedAtStage = new ArrayList<>();
  private final Map<Integer, List<ChatMessageRef>> messages = new HashMap<>();
  private int stage;
  private int asked = -1;

  /** @param route the request's route, shared: an escalation stays for later rounds */
  public ApprovalRound(Purpose purpose, List<ApprovalStage> route, String requester) {
    this.purpose = purpose;
    this.route = route;
    this.requester = requester;
  }

  public Purpose purpose() {
    return purpose;
  }

  public int stageIndex() {
    return stage;
  }

  public boolean done() {
    return stage >= route.size();
  }

  public ApprovalStage current() {
    return route.get(stage);
  }

  public ApprovalStage stage(int index) {
    return route.get(index);
  }

  public List<RecordedDecision> decisions() {
    return List.copyOf(decisions);
  }

  /** The round ends without completing (the grant it was for ended first). */
  public void abandon() {
    stage = route.size();
  }

  /** People of the stage who may still approve it: not the requester, nobody who decided in this round. */
  public List<String> eligible(int index) {
    return route.get(index).approvers().stream()
        .filter(a -> !a.equalsIgnoreCase(requester))
        .filter(a -> decisions.stream().noneMatch(d -> d.actor().equalsIgnoreCase(a)))
        .toList();
  }

  public long approvals(int index) {
    long count = 0;
    for (int i = 0; i < decisions.size(); i++) {
      if (decidedAtStage.get(i) == index && decisions.get(i).verdict() == Verdict.APPROVE) {
        count++;
      }
    }
    return count;
  }

  public long stillNeeded(int index) {
    return route.get(index).required() - approvals(index);
  }

  /** Why this person may not decide the current stage now, or null when they may. */
  public Refusal refusal(String actor, String requestId) {
    if (actor.equalsIgnoreCase(requester)) {
      return new Refusal(AccessflowTemporal.REFUSED_NOT_ALLOWED, actor + " requested this access and cannot approve or deny it");
    }
    if (done()) {
      return new Refusal(AccessflowTemporal.REFUSED_CONFLICT, "request " + requestId + " has no approval stage waiting");
    }
    ApprovalStage current = current();
    if (current.requesterManager()) {
      return null; // unresolved yet: the handler waits for the IdP's answer, then asks again
    }
    if (!current.allows(actor)) {
      return new Refusal(AccessflowTemporal.REFUSED_NOT_ALLOWED, actor + " is not an approver of stage '" + current.name() + "' of request "
          + requestId + " (approvers: " + String.join(", ", current.approvers()) + ")");
    }
    for (RecordedDecision earlier : decisions) {
      if (earlier.actor().equalsIgnoreCase(actor)) {
        return new Refusal(AccessflowTemporal.REFUSED_NOT_ALLOWED, actor + " already approved this request at stage '" + earlier.stage()
            + "'; one person cannot give two approvals");
      }
    }
    return null;
  }

  /** Records a decision on the current stage and moves the round on. */
  public Progress record(RecordedDecision decision) {
    decisions.add(decision);
    decidedAtStage.add(stage);
    if (decision.verdict() == Verdict.DENY) {
      stage = route.size();
      return Progress.DENIED;
    }
    if (stillNeeded(stage) > 0) {
      return Progress.COUNTED;
    }
    stage++;
    return done() ? Progress.COMPLETE : Progress.NEXT_STAGE;
  }

  /** Adds the stage's escalateTo people who are not approvers yet; returns who was added. */
  public List<String> escalate(int index) {
    ApprovalStage current = route.get(index);
    List<String> added = current.escalateTo().stream()
        .filter(p -> !p.equalsIgnoreCase(requester) && !current.allows(p))
        .toList();
    if (!added.isEmpty()) {
      List<String> people = new ArrayList<>(current.approvers());
      people.addAll(added);
      route.set(index, current.withApprovers(people, current.required()));
    }
    return added;
  }

  /** True the first time a stage is put to its approvers (a stage is asked once per round). */
  public boolean startAsking(int index) {
    if (index <= asked || index >= route.size()) {
      return false;
    }
    asked = index;
    return true;
  }

  public boolean asked(int index) {
    return asked == index;
  }

  public void recordMessages(int index, List<ChatMessageRef> refs) {
    messages.computeIfAbsent(index, i -> new ArrayList<>()).addAll(refs);
  }

  /** The stage's messages to the given people (a reminder goes only to whoever it waits on). */
  public List<ChatMessageRef> messagesTo(int index, List<String> people) {
    return messages.getOrDefault(index, List.of()).stream()
        .filter(m -> people.stream().anyMatch(p -> p.equalsIgnoreCase(m.recipient())))
        .toList();
  }
}
