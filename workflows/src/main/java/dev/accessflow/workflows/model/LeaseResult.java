package dev.accessflow.workflows.model;

/**
 * What one lease call of a batch did for one group.
 *
 * @param outcome the membership workflow's answer (a {@code MembershipOutcome}), or null when not done
 * @param error why it is not done: the IdP's error, or that it was not confirmed in time
 * @param refused the IdP refused it for good (retrying will not help)
 */
public record LeaseResult(String groupId, String outcome, String error, boolean refused) {
  public static LeaseResult done(String groupId, String outcome) {
    return new LeaseResult(groupId, outcome, null, false);
  }

  public static LeaseResult failed(String groupId, String error, boolean refused) {
    return new LeaseResult(groupId, null, error, refused);
  }

  public boolean done() {
    return outcome != null;
  }
}
