package dev.accessflow.workflows.inventory;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.InventoryRun;
import dev.accessflow.workflows.model.MembershipChange;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The inventory of the catalog groups, kept current for as long as accessflow runs: one workflow
 * ({@link AccessflowTemporal#INVENTORY_WORKFLOW_ID}) that syncs every group from the IdP on an
 * interval, applies the IdP's event hooks as they come, and acts on drift. A loop of timers and
 * continue-as-new (no Temporal Schedules, so it runs on the test server too).
 */
@WorkflowInterface
public interface InventoryWorkflow {

  @WorkflowMethod(name = AccessflowTemporal.INVENTORY_WORKFLOW_TYPE)
  void run(InventoryRun run);

  /** Sync every group now (a sync already under way goes on and counts). */
  @SignalMethod(name = AccessflowTemporal.SIGNAL_SYNC_NOW,
      description = "List every catalog group from the IdP now.")
  void syncNow(String requestedBy);

  /** A membership change the IdP reported; applied once per event id. */
  @SignalMethod(name = AccessflowTemporal.SIGNAL_MEMBERSHIP_CHANGED,
      description = "One membership changed in the IdP (an event hook).")
  void membershipChanged(MembershipChange change);

  /** The changes of one IdP delivery, in one signal (an event hook must be answered within seconds). */
  @SignalMethod(name = AccessflowTemporal.SIGNAL_MEMBERSHIPS_CHANGED,
      description = "Several memberships changed in the IdP (one event hook delivery).")
  void membershipsChanged(java.util.List<MembershipChange> changes);

  /** Act on the drift findings now (an admin asked for a removal). */
  @SignalMethod(name = AccessflowTemporal.SIGNAL_SWEEP_DRIFT,
      description = "Report and act on drift findings now.")
  void sweepNow();

  /** Where the inventory stands: the next sync, the sync in progress and the changes waiting. */
  @QueryMethod(name = AccessflowTemporal.QUERY_STATE,
      description = "The inventory now: last sync, groups, findings.")
  InventoryRun state();
}
