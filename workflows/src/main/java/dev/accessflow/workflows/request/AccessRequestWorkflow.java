package dev.accessflow.workflows.request;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.UpdateOutcome;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One access request, from submission to the removal of the access. Workflow id:
 * {@link AccessflowTemporal#workflowId(String)}. Updates are validated before they reach history:
 * a rejected update leaves no trace and the caller gets the reason.
 */
@WorkflowInterface
public interface AccessRequestWorkflow {

  /** Runs the request to its end and returns the final state. */
  @WorkflowMethod(name = AccessflowTemporal.WORKFLOW_TYPE)
  AccessRequestState run(AccessRequest request);

  /** Approve or deny, as an approver of the current stage. */
  @UpdateMethod(name = AccessflowTemporal.UPDATE_DECIDE,
      description = "An approver's decision: {eventId, actor, verdict APPROVE|DENY, channel, comment}. Refused (not recorded) for the requester, a non-approver or a closed request; the same eventId twice is applied once.")
  UpdateOutcome decide(Decision decision);

  @UpdateValidatorMethod(updateName = AccessflowTemporal.UPDATE_DECIDE)
  void validateDecide(Decision decision);

  /** Move the expiry of an active grant (within the role's maximum). */
  @UpdateMethod(name = AccessflowTemporal.UPDATE_EXTEND,
      description = "Ask to extend an active grant to a new total duration: {eventId, actor, newDuration, reason}; goes through the route again unless policy allows it.")
  UpdateOutcome extend(Extension extension);

  @UpdateValidatorMethod(updateName = AccessflowTemporal.UPDATE_EXTEND)
  void validateExtend(Extension extension);

  /** End the grant now; the membership is removed at once. */
  @UpdateMethod(name = AccessflowTemporal.UPDATE_REVOKE,
      description = "End the grant now: {eventId, actor, channel, reason}. The membership is removed and retried until the IdP confirms.")
  UpdateOutcome revoke(Revocation revocation);

  @UpdateValidatorMethod(updateName = AccessflowTemporal.UPDATE_REVOKE)
  void validateRevoke(Revocation revocation);

  /** From the request's removal child: why removing the membership has not succeeded yet (shown in state). */
  @SignalMethod(name = AccessflowTemporal.SIGNAL_REMOVAL_FAILING,
      description = "Sent by the removal child: why the IdP has not confirmed the removal yet.")
  void removalFailing(String error);

  /** The whole state as one record. */
  @QueryMethod(name = AccessflowTemporal.QUERY_STATE,
      description = "The request now: status, decisions, grant and expiry, revocation lag or overdue, ticket, last error.")
  AccessRequestState state();
}
