package dev.accessflow.worker;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.inventory.InventoryWorkflow;
import dev.accessflow.workflows.model.InventoryRun;
import io.dropwizard.lifecycle.Managed;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts the one inventory workflow when the worker starts, unless it runs already (another replica, a restart). */
public final class InventoryStarter implements Managed {
  private static final Logger log = LoggerFactory.getLogger(InventoryStarter.class);
  private final WorkflowClient client;
  private final String taskQueue;

  public InventoryStarter(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /** A stub for starting the inventory workflow or signalling it with start. */
  public static InventoryWorkflow stub(WorkflowClient client, String taskQueue) {
    return client.newWorkflowStub(InventoryWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.INVENTORY_WORKFLOW_ID)
        .setTaskQueue(taskQueue)
        .build());
  }

  @Override
  public void start() {
    try {
      WorkflowClient.start(stub(client, taskQueue)::run, InventoryRun.first());
      log.info("inventory: workflow {} started; it syncs every catalog group now and then on its interval",
          AccessflowTemporal.INVENTORY_WORKFLOW_ID);
    } catch (WorkflowExecutionAlreadyStarted e) {
      log.info("inventory: workflow {} already runs", AccessflowTemporal.INVENTORY_WORKFLOW_ID);
    }
  }
}
