package dev.accessflow.workflows.model;

import java.util.ArrayList;
import java.util.List;

/**
 * One stage of an approval route: who may decide (IdP logins) and how many distinct approvals
 * complete it (1 = any one of them, approvers.size() = all of them, else "at least N").
 *
 * <p>The requester's manager is known only to the IdP, so a stage that names them carries
 * {@code requesterManager} and the workflow adds the manager's login after its first activity
 * resolved the requester (a recorded activity result: replays see the same manager).
 *
 * @param allOf every named approver must approve; required follows the resolved approver count
 * @param escalateTo who is asked in addition when the stage sits undecided past escalateAfter
 * @param timings reminder / escalation / expiry; null means the defaults
 */
public record ApprovalStage(
    String name,
    List<String> approvers,
    int required,
    boolean requesterManager,
    boolean allOf,
    List<String> escalateTo,
    StageTimings timings) {

  public ApprovalStage {
    approvers = dedupe(approvers);
    escalateTo = escalateTo == null ? List.of() : dedupe(escalateTo);
    timings = timings == null ? StageTimings.DEFAULT : timings;
    if (allOf) {
      required = approvers.size() + (requesterManager ? 1 : 0);
    }
    int possible = approvers.size() + (requesterManager ? 1 : 0);
    if (required < 1 || required > possible) {
      throw new IllegalArgumentException(
          "stage '" + name + "' requires " + required + " approvals but names " + possible + " approvers");
    }
  }

  /** A stage of named logins that {@code required} of them complete: no manager, no escalation, default timings. */
  public static ApprovalStage of(String name, List<String> approvers, int required) {
    return new ApprovalStage(name, approvers, required, false, false, List.of(), StageTimings.DEFAULT);
  }

  /** A single stage that any one of the approvers completes. */
  public static ApprovalStage anyOf(String name, List<String> approvers) {
    return of(name, approvers, 1);
  }

  public boolean allows(String login) {
    return approvers.stream().anyMatch(a -> a.equalsIgnoreCase(login));
  }

  /** The stage with different people and count (requester removed, escalation added); keeps the rest. */
  public ApprovalStage withApprovers(List<String> people, int needed) {
    return new ApprovalStage(name, people, needed, false, false, escalateTo, timings);
  }

  /** "any of", "all of" or "N of", as shown to people. */
  public String rule() {
    int named = approvers.size() + (requesterManager ? 1 : 0);
    if (allOf || required == named && named > 1) {
      return "all of";
    }
    return required == 1 ? "any of" : "at least " + required + " of";
  }

  private static List<String> dedupe(List<String> logins) {
    List<String> distinct = new ArrayList<>();
    for (String login : logins) {
      if (distinct.stream().noneMatch(l -> l.equalsIgnoreCase(login))) {
        distinct.add(login);
      }
    }
    return List.copyOf(distinct);
  }
}
