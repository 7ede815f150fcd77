package dev.accessflow.worker;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.GroupSync;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.InventoryPage;
import dev.accessflow.workflows.model.InventoryPlan;
import dev.accessflow.workflows.model.MembershipChange;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.InventorySync;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The inventory's activities over the catalog, the IdP's group listing and the ledger. */
public final class CatalogInventory implements InventorySync {
  private final Map<String, InventoryGroup> groups;
  private final Duration interval;
  private final int pageSize;
  private final GroupDirectory directory;
  private final InventoryLedger ledger;
  private final InventoryLedger.LeaseLookup leases;
  private final Clock clock;

  public CatalogInventory(Catalog catalog, Duration interval, int pageSize, GroupDirectory directory,
      InventoryLedger ledger, InventoryLedger.LeaseLookup leases, Clock clock) {
    this.groups = groups(catalog);
    this.interval = interval;
    this.pageSize = pageSize;
    this.directory = directory;
    this.ledger = ledger;
    this.leases = leases;
    this.clock = clock;
  }

  /** Every catalog group once, with the first role that names it (its drift policy applies to the group). */
  static Map<String, InventoryGroup> groups(Catalog catalog) {
    Map<String, InventoryGroup> groups = new LinkedHashMap<>();
    catalog.apps().values().forEach(app -> app.roles().values().forEach(role -> role.groups().forEach(group ->
        groups.putIfAbsent(group, new InventoryGroup(group, app.id(), role.id(), role.drift(),
            role.driftGrace().toSeconds())))));
    return groups;
  }

  @Override
  public InventoryPlan plan() {
    return new InventoryPlan(List.copyOf(groups.values()), interval);
  }

  @Override
  public void syncStarted(String syncId, String trigger, int groupCount) {
    ledger.syncStarted(syncId, trigger, groupCount);
  }

  @Override
  public InventoryPage syncPage(String syncId, InventoryGroup group, String cursor) {
    int findings = 0;
    if (cursor == null) {
      Optional<String> name = directory.groupName(group.groupId());
      findings += ledger.groupChecked(group, name);
      if (name.isEmpty()) {
        return new InventoryPage(null, 0, findings, "the IdP has no group " + group.groupId());
      }
    }
    Instant listedAt = clock.instant();
    GroupDirectory.Page page;
    try {
      page = directory.members(group.groupId(), cursor, pageSize);
    } catch (ApplicationFailure e) {
      if (!AccessflowTemporal.UNKNOWN_GROUP.equals(e.getType())) {
        throw e;
      }
      // Deleted between the name check and the listing: the same finding as a missing group.
      findings += ledger.groupChecked(group, Optional.empty());
      return new InventoryPage(null, 0, findings, e.getOriginalMessage());
    }
    findings += ledger.recordPage(syncId, group, page.members(), listedAt, leases);
    return new InventoryPage(page.next(), page.members().size(), findings, null);
  }

  @Override
  public GroupSync finishGroup(String syncId, InventoryGroup group) {
    return ledger.finishGroup(syncId, group);
  }

  @Override
  public void syncFinished(String syncId) {
    ledger.syncFinished(syncId);
  }

  @Override
  public int observe(String syncId, List<MembershipChange> changes) {
    return ledger.observe(syncId, changes, groups, leases);
  }
}
