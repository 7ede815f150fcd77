package dev.accessflow.api;

import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ReclaimRun;
import dev.accessflow.workflows.reclaim.ReclaimRunWorkflow;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts reclaim runs (the ledger row, then the workflow; the row is taken back if the workflow
 * cannot start) and nudges them after a Keep or a sign-in.
 */
public final class ReclaimGateway implements ReclaimWorkflows {
  private static final Logger log = LoggerFactory.getLogger(ReclaimGateway.class);
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final WorkflowClient client;
  private final String taskQueue;
  private final ReclaimLedger ledger;

  public ReclaimGateway(WorkflowClient client, String taskQueue, ReclaimLedger ledger) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.ledger = ledger;
  }

  /** A run's id: the app and the second it starts ("grafana-20261203T120000"), so a retried start starts nothing twice. */
  public static String runId(String app, java.time.Instant at) {
    return app + "-" + ID.format(at);
  }

  @Override
  public boolean start(ReclaimLedger.Run run) {
    if (!ledger.createRun(run)) {
      return false;
    }
    ReclaimRunWorkflow stub = client.newWorkflowStub(ReclaimRunWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.reclaimWorkflowId(run.runId()))
        .setTaskQueue(taskQueue)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .build());
    try {
      WorkflowClient.start(stub::run, ReclaimRun.start(run.runId(), run.app()));
    } catch (WorkflowExecutionAlreadyStarted e) {
      return true; // an earlier start got as far as Temporal
    } catch (RuntimeException e) {
      ledger.forget(run.runId());
      log.warn("reclaim {}: the workflow could not be started: {}", run.runId(), e.toString());
      throw new ApiProblem(503, "Temporal did not take the reclaim run's workflow; nothing was started, try again",
          null);
    }
    return true;
  }

  /** A run that has closed is left alone. */
  @Override
  public void nudge(String runId) {
    WorkflowNudge.send(() -> client.newWorkflowStub(ReclaimRunWorkflow.class,
        AccessflowTemporal.reclaimWorkflowId(runId)).nudged(), log, "reclaim " + runId,
        "its next pass (within six hours, and always before a removal) settles it");
  }
}
