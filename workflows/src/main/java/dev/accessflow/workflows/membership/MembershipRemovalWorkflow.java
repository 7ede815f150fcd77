package dev.accessflow.workflows.membership;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.MembershipRemoval;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.Map;

/**
 * Removes a request's memberships, retrying each until the IdP confirms it, however long the IdP
 * is down: a child of the request, so the request's own history stays small, and it continues as
 * new before its history grows long. Workflow id: {@link AccessflowTemporal#removalWorkflowId}.
 */
@WorkflowInterface
public interface MembershipRemovalWorkflow {

  /** Returns, per group id, the lease's {@link MembershipOutcome}. */
  @WorkflowMethod(name = AccessflowTemporal.REMOVAL_WORKFLOW_TYPE)
  Map<String, String> run(MembershipRemoval removal);
}
