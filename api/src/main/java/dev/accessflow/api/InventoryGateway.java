package dev.accessflow.api;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.inventory.InventoryWorkflow;
import dev.accessflow.workflows.model.InventoryRun;
import dev.accessflow.workflows.model.MembershipChange;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.util.function.Consumer;

/**
 * The API's way to the inventory workflow: ask for a sync, hand it the IdP's membership events,
 * wake it for a drift action. Each signal starts the workflow if it is not running yet.
 */
public final class InventoryGateway implements InventorySignals {
  private final WorkflowClient client;
  private final String taskQueue;

  public InventoryGateway(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  @Override
  public void syncNow(String requestedBy) {
    signal(stub -> stub.syncNow(requestedBy));
  }

  @Override
  public void changed(MembershipChange change) {
    signal(stub -> stub.membershipChanged(change));
  }

  @Override
  public void sweep() {
    signal(InventoryWorkflow::sweepNow);
  }

  private void signal(Consumer<InventoryWorkflow> signal) {
    InventoryWorkflow stub = client.newWorkflowStub(InventoryWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.INVENTORY_WORKFLOW_ID).setTaskQueue(taskQueue).build());
    BatchRequest batch = client.newSignalWithStartRequest();
    batch.add(stub::run, InventoryRun.first());
    batch.add(() -> signal.accept(stub));
    client.signalWithStart(batch);
  }
}
