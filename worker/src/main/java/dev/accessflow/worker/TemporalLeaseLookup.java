package dev.accessflow.worker;

import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.membership.GroupMembershipWorkflow;
import dev.accessflow.workflows.model.MembershipHolders;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;

/**
 * Asks the membership workflow of a person and group who holds it: a request being granted holds
 * its lease before the IdP adds the person and before the ledger hears of the grant.
 */
public final class TemporalLeaseLookup implements InventoryLedger.LeaseLookup {
  private final WorkflowClient client;

  public TemporalLeaseLookup(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public String holder(String groupId, String login) {
    try {
      MembershipHolders holders = client.newWorkflowStub(GroupMembershipWorkflow.class,
          AccessflowTemporal.membershipWorkflowId(groupId, login)).holders();
      return holders == null || holders.requestIds().isEmpty() ? null : holders.requestIds().get(0);
    } catch (WorkflowNotFoundException e) {
      return null;
    } catch (WorkflowQueryException e) {
      if (e.getCause() instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }
}
