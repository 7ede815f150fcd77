package dev.accessflow.api;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.inventory.InventoryWorkflow;
import dev.accessflow.workflows.model.InventoryRun;
import dev.accessflow.workflows.model.MembershipChange;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowServiceException;
import io.grpc.Status;
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
  public void changed(java.util.List<MembershipChange> changes) {
    if (!changes.isEmpty()) {
      signal(stub -> stub.membershipsChanged(changes));
    }
  }

  @Override
  public void sweep() {
    signal(InventoryWorkflow::sweepNow);
  }

  /** Tries of a signal that met the workflow between two runs. */
  static final int TRIES = 10;

  private static boolean betweenRuns(RuntimeException e) {
    return e instanceof WorkflowExecutionAlreadyStarted
        || e.getCause() != null && Status.fromThrowable(e.getCause()).getCode() == Status.Code.NOT_FOUND;
  }

  private void signal(Consumer<InventoryWorkflow> signal) {
    for (int tried = 1; ; tried++) {
      InventoryWorkflow stub = client.newWorkflowStub(InventoryWorkflow.class, WorkflowOptions.newBuilder()
          .setWorkflowId(AccessflowTemporal.INVENTORY_WORKFLOW_ID).setTaskQueue(taskQueue).build());
      BatchRequest batch = client.newSignalWithStartRequest();
      batch.add(stub::run, InventoryRun.first());
      batch.add(() -> signal.accept(stub));
      try {
        client.signalWithStart(batch);
        return;
      } catch (WorkflowExecutionAlreadyStarted | WorkflowServiceException e) {
        // The Temporal test server (the embedded default) is not atomic across continue-as-new: between the
        // two runs it neither signals the old nor may start a new one (it answers "already started", or
        // NOT_FOUND "Completed workflow"). The next run is there a moment later.
        if (tried == TRIES || !betweenRuns(e)) {
          throw e;
        }
        try {
          Thread.sleep(20L * tried);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }
}
