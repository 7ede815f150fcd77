package dev.accessflow.workflows.reclaim;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ReclaimRun;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One auto-reclaim run of one app ({@link AccessflowTemporal#reclaimWorkflowId}): reads the app's
 * sign-in log, judges every membership of the app by its policy, warns the unused, waits out each
 * grace (a sign-in or a Keep ends it with the access kept), removes the rest through the IdP until
 * it confirms, and writes everything to the run's ticket. The items live in the ledger; the
 * workflow holds a phase and a cursor, and continues as new.
 */
@WorkflowInterface
public interface ReclaimRunWorkflow {

  @WorkflowMethod(name = AccessflowTemporal.RECLAIM_WORKFLOW_TYPE)
  void run(ReclaimRun run);

  /** A Keep or a sign-in was recorded in the ledger: settle and write the record now. A nudge only; a lost one is made up at the next wake-up. */
  @SignalMethod(name = AccessflowTemporal.SIGNAL_RECLAIM_NUDGED,
      description = "A Keep or a sign-in ended a grace early; look again now.")
  void nudged();

  @QueryMethod(name = AccessflowTemporal.QUERY_STATE,
      description = "The run now: items warned, kept, removed, and the next grace end.")
  ReclaimRun state();
}
