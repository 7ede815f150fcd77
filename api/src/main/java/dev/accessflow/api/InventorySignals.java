package dev.accessflow.api;

import dev.accessflow.workflows.model.MembershipChange;

/** What the API tells the inventory: sync now, a membership changed in the IdP, act on drift now. */
public interface InventorySignals {

  /** Sync every catalog group now; {@code requestedBy} is recorded as the sync's trigger. */
  void syncNow(String requestedBy);

  /** The membership changes the IdP reported in one delivery (ids only), handed on in one signal. */
  void changed(java.util.List<MembershipChange> changes);

  /** Act on the drift findings now (a removal an admin asked for). */
  void sweep();
}
