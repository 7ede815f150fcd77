package dev.accessflow.workflows.inventory;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.CancellingWait;
import dev.accessflow.workflows.model.DriftSweep;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.InventoryPage;
import dev.accessflow.workflows.model.InventoryPlan;
import dev.accessflow.workflows.model.InventoryRun;
import dev.accessflow.workflows.model.MembershipChange;
import dev.accessflow.workflows.ports.DriftActions;
import dev.accessflow.workflows.ports.InventorySync;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;

/**
 * Syncs every catalog group on the plan's interval (or when asked), applies reported changes as they
 * arrive, and sweeps the findings after each; rolls over to a new run after each sync, or in the
 * middle of one when the history grows past {@link #HISTORY_LIMIT} (resuming at the same page).
 */
public final class InventoryWorkflowImpl implements InventoryWorkflow {
  private static final Logger log = Workflow.getLogger(InventoryWorkflowImpl.class);
  /** Events in one run before it continues as new: a page costs about six, so a run lists ~600 pages. */
  static final int HISTORY_LIMIT = 4_000;
  /** Changes applied per activity. */
  static final int CHANGES_PER_CALL = 100;
  /**
   * Changes held in the workflow at most (they travel in the continue-as-new input, about 200 bytes
   * each); past it a change is dropped and a full sync asked for, which finds it anyway.
   */
  static final int MAX_PENDING = 1_000;
  /** Findings reported or removed per sweep activity. */
  static final int SWEEP_LIMIT = 500;
  /**
   * A sync's id from workflow time, to the millisecond: a sync asked for as the last one ends may
   * start within the same second, and two syncs sharing an id would hide who left between them.
   */
  private static final DateTimeFormatter SYNC_ID = DateTimeFormatter.ofPattern("'sync-'yyyyMMdd'T'HHmmss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private final InventorySync inventory =
      Workflow.newActivityStub(InventorySync.class, AccessflowTemporal.inventoryOptions());
  private final DriftActions drift = Workflow.newActivityStub(DriftActions.class, AccessflowTemporal.inventoryOptions());

  private Instant nextSyncAt;
  private String syncId;
  private String trigger;
  private InventoryPlan plan;
  private int groupIndex;
  private String cursor;
  private final List<MembershipChange> pending = new ArrayList<>();
  private String requestedBy;
  private Instant nextRemovalAt;
  private boolean sweepNeeded = true;
  /** A sync ended in this run: the next starts in a new run. */
  private boolean justSynced;

  @Override
  public void run(InventoryRun run) {
    nextSyncAt = run.nextSyncAt();
    syncId = run.syncId();
    trigger = run.trigger();
    plan = run.plan();
    groupIndex = run.groupIndex();
    cursor = run.cursor();
    // A signal of this run's first task may have been handled already: keep it, after what the last run left.
    List<MembershipChange> arrived = List.copyOf(pending);
    pending.clear();
    pending.addAll(run.pending());
    arrived.stream().filter(c -> pending.stream().noneMatch(p -> p.eventId().equals(c.eventId()))).forEach(pending::add);
    requestedBy = requestedBy != null ? requestedBy : run.requestedBy();
    nextRemovalAt = run.nextRemovalAt();
    while (true) {
      if (syncId == null && syncDue()) {
        startSync();
      }
      if (syncId != null && !syncGroups()) {
        return; // continued as new in the middle of the sync
      }
      applyChanges();
      sweep();
      if (syncId == null && (justSynced || historyFull())) {
        Workflow.continueAsNew(state());
        return;
      }
      Duration wait = untilNextWork();
      // A hook event cancels the timer: a busy day of events leaves no stale timers behind.
      CancellingWait.await("inventory-wait-cancels-its-timer", wait,
          () -> requestedBy != null || !pending.isEmpty() || sweepNeeded);
    }
  }

  @Override
  public void syncNow(String by) {
    requestedBy = by == null || by.isBlank() ? "someone" : by;
  }

  @Override
  public void sweepNow() {
    sweepNeeded = true;
  }

  @Override
  public void membershipsChanged(List<MembershipChange> changes) {
    changes.forEach(this::membershipChanged);
  }

  @Override
  public void membershipChanged(MembershipChange change) {
    if (pending.stream().anyMatch(c -> c.eventId().equals(change.eventId()))) {
      return;
    }
    if (pending.size() >= MAX_PENDING) {
      requestedBy = "event backlog";
      return;
    }
    pending.add(change);
  }

  @Override
  public InventoryRun state() {
    return new InventoryRun(nextSyncAt, syncId, trigger, plan, groupIndex, cursor, pending, requestedBy, nextRemovalAt);
  }

  private boolean syncDue() {
    return requestedBy != null || nextSyncAt == null || !now().isBefore(nextSyncAt);
  }

  private void startSync() {
    plan = inventory.plan();
    syncId = SYNC_ID.format(now());
    trigger = requestedBy != null ? requestedBy : nextSyncAt == null ? "start" : "schedule";
    requestedBy = null;
    groupIndex = 0;
    cursor = null;
    inventory.syncStarted(syncId, trigger, plan.groups().size());
  }

  /** Lists the plan's groups from where the sync stands; false when it continued as new to go on. */
  private boolean syncGroups() {
    while (groupIndex < plan.groups().size()) {
      InventoryGroup group = plan.groups().get(groupIndex);
      do {
        InventoryPage page = inventory.syncPage(syncId, group, cursor);
        cursor = page.next();
        if (page.problem() != null) {
          log.warn("inventory {}: group {}: {}", syncId, group.groupId(), page.problem());
        }
        sweepNeeded |= page.findings() > 0;
        applyChanges();
        if (cursor != null && historyFull()) {
          Workflow.continueAsNew(state());
          return false;
        }
      } while (cursor != null);
      sweepNeeded |= inventory.finishGroup(syncId, group).findings() > 0;
      groupIndex++;
      sweep();
      if (groupIndex < plan.groups().size() && historyFull()) {
        Workflow.continueAsNew(state());
        return false;
      }
    }
    inventory.syncFinished(syncId);
    syncId = null;
    cursor = null;
    groupIndex = 0;
    nextSyncAt = now().plus(plan.interval());
    justSynced = true;
    return true;
  }

  private void applyChanges() {
    while (!pending.isEmpty()) {
      List<MembershipChange> batch = List.copyOf(pending.subList(0, Math.min(CHANGES_PER_CALL, pending.size())));
      sweepNeeded |= inventory.observe(syncId, batch) > 0;
      pending.subList(0, batch.size()).clear();
    }
  }

  private void sweep() {
    boolean removalDue = nextRemovalAt != null && !now().isBefore(nextRemovalAt);
    if (!sweepNeeded && !removalDue) {
      return;
    }
    DriftSweep swept;
    do {
      swept = drift.sweep(SWEEP_LIMIT);
    } while (swept.remaining() > 0 && !historyFull());
    // A removal the sweep could not make yet is tried again in a minute, never in a tight loop.
    Instant floor = now().plus(Duration.ofMinutes(1));
    nextRemovalAt = swept.nextRemovalAt() == null || swept.nextRemovalAt().isAfter(floor) ? swept.nextRemovalAt() : floor;
    sweepNeeded = swept.remaining() > 0;
  }

  private Duration untilNextWork() {
    Instant next = nextSyncAt;
    if (nextRemovalAt != null && (next == null || nextRemovalAt.isBefore(next))) {
      next = nextRemovalAt;
    }
    Duration wait = next == null ? Duration.ZERO : Duration.between(now(), next);
    return wait.isNegative() ? Duration.ZERO : wait;
  }

  private static boolean historyFull() {
    return Workflow.getInfo().getHistoryLength() > HISTORY_LIMIT || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
