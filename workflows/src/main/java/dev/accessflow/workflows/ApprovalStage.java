package dev.accessflow.workflows;

import java.util.List;

/**
 * One stage of an approval route: who may decide (IdP logins) and how many distinct approvals
 * complete it (1 = any one of them, approvers.size() = all of them).
 */
public record ApprovalStage(String name, List<String> approvers, int required) {
  public ApprovalStage {
    approvers = List.copyOf(approvers);
    if (required < 1 || required > approvers.size()) {
      throw new IllegalArgumentException(
          "stage '" + name + "' requires " + required + " approvals but names " + approvers.size() + " approvers");
    }
  }

  /** A single stage that any one of the approvers completes. */
  public static ApprovalStage anyOf(String name, List<String> approvers) {
    return new ApprovalStage(name, approvers, 1);
  }

  public boolean allows(String login) {
    return approvers.stream().anyMatch(a -> a.equalsIgnoreCase(login));
  }
}
