package dev.accessflow.workflows.model;

import java.time.Instant;
import java.util.List;

/**
 * The inventory workflow's state across continue-as-new: when the next sync is due, where a sync
 * in progress stands (so an interrupted one resumes at the page it stopped on), and the changes
 * not yet applied.
 *
 * @param syncId the sync in progress, or null between syncs
 * @param groupIndex the group of {@code plan} being listed
 * @param cursor the IdP's cursor of the next page of that group; null for its first page
 * @param requestedBy who asked for a sync now (null: none asked)
 */
public record InventoryRun(Instant nextSyncAt, String syncId, String trigger, InventoryPlan plan, int groupIndex,
    String cursor, List<MembershipChange> pending, String requestedBy, Instant nextRemovalAt) {

  public InventoryRun {
    pending = pending == null ? List.of() : List.copyOf(pending);
  }

  /** A first run: sync at once. */
  public static InventoryRun first() {
    return new InventoryRun(null, null, null, null, 0, null, List.of(), null, null);
  }
}
