package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.GroupSync;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.InventoryPage;
import dev.accessflow.workflows.model.InventoryPlan;
import dev.accessflow.workflows.model.MembershipChange;
import io.temporal.activity.ActivityInterface;

/**
 * The inventory's activities: list the catalog groups' members from the IdP into the ledger, page
 * by page, and apply the changes the IdP reports. Every method is safe to repeat.
 */
@ActivityInterface(namePrefix = "Inventory")
public interface InventorySync {

  /** The catalog's groups and the sync interval, as configured now. */
  InventoryPlan plan();

  /** Records that a sync starts (trigger: schedule, or who asked). */
  void syncStarted(String syncId, String trigger, int groups);

  /**
   * Lists one page of the group's members and stores it in the ledger, classifying each membership
   * (grant, standing, out-of-band) and opening a finding for one with no grant behind it. On the
   * first page it also checks the group still exists under the name it had.
   */
  InventoryPage syncPage(String syncId, InventoryGroup group, String cursor);

  /** Ends the group's sync: a membership not seen in this sync is gone. */
  GroupSync finishGroup(String syncId, InventoryGroup group);

  /** Records the end of the sync. */
  void syncFinished(String syncId);

  /**
   * Applies changes the IdP reported (event hooks), in order, each once by its event id.
   *
   * @param syncId the sync in progress (a member added now is not taken as gone at its end), or null
   * @return findings opened
   */
  int observe(String syncId, java.util.List<MembershipChange> changes);
}
