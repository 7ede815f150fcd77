package dev.accessflow.workflows.membership;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.MembershipHolders;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One user's membership of one IdP group, shared by every request that grants it. Workflow id:
 * {@link AccessflowTemporal#membershipWorkflowId(String, String)}. Requests acquire and release it;
 * the user is added on the first acquire and removed only when the last holder releases, so two
 * overlapping grants never cut each other short.
 */
@WorkflowInterface
public interface GroupMembershipWorkflow {

  @WorkflowMethod(name = AccessflowTemporal.MEMBERSHIP_WORKFLOW_TYPE)
  void run(MembershipHolders holders);

  /** Hold the membership for a request; adds the user to the group if nobody held it (unless they were already in it). */
  @UpdateMethod(name = "acquire",
      description = "A request takes a lease on this membership; the first lease adds the person to the group.")
  String acquire(Membership membership);

  /** Let go for a request; removes the user from the group when no other request still holds it and it was not standing. */
  @UpdateMethod(name = "release",
      description = "A request gives its lease back; the last lease removes the person (never a standing membership).")
  String release(Membership membership);

  /**
   * Remove the person from the group unless a request holds the membership (drift: access nobody
   * granted). Fails with {@link AccessflowTemporal#MEMBERSHIP_HELD}, removing nothing, while one does;
   * runs under the same lock as acquire and release, so it never races a grant.
   *
   * @return null when removed; otherwise why there was nothing to remove
   */
  @UpdateMethod(name = "removeUnheld",
      description = "Drift response: remove the membership if no request holds it.")
  String removeUnheld(Membership membership);

  @QueryMethod(name = "holders",
      description = "The requests holding this membership, and whether it is standing access.")
  MembershipHolders holders();
}
