package dev.accessflow.workflows.testing;

import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.ports.AccessLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A ledger port that keeps what it was told, keyed like the PostgreSQL ledger (request id and
 * sequence for entries, revision for state), and can be down: for a number of calls, or until told.
 */
public final class RecordingLedger implements AccessLedger {
  private final List<AuditEntry> entries = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> written = ConcurrentHashMap.newKeySet();
  private final Map<String, LedgerPart> latest = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private volatile boolean down;
  private volatile java.util.function.LongSupplier clock;
  private volatile long downUntil;

  public void failNextCalls(int n) {
    failuresLeft.set(n);
  }

  public void down(boolean isDown) {
    down = isDown;
  }

  /** Down until the clock (a test server's time, which skips) reads {@code until}. */
  public void downUntil(java.util.function.LongSupplier now, long until) {
    clock = now;
    downUntil = until;
  }

  @Override
  public void record(String requestId, LedgerPart part) {
    calls.incrementAndGet();
    java.util.function.LongSupplier now = clock;
    if (down || now != null && now.getAsLong() < downUntil || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("Connection to 127.0.0.1:5432 refused");
    }
    synchronized (this) {
      for (AuditEntry entry : part.entries()) {
        if (written.add(requestId + "#" + entry.sequence())) {
          entries.add(entry);
        }
      }
      // Like the PostgreSQL ledger: the request is kept from the first part, state only moves forward.
      latest.merge(requestId, part, (old, newer) -> newer.revision() <= old.revision() ? old
          : newer.state().request() != null ? newer
          : new LedgerPart(newer.revision(), newer.state().withRequest(old.state().request()), newer.standingGroups(),
              newer.approvedBy(), newer.entries()));
    }
  }

  /** Every entry recorded, in the order the ledger took them. */
  public List<AuditEntry> entries() {
    return List.copyOf(entries);
  }

  /** The state of the request as the ledger last recorded it. */
  public AccessRequestState state(String requestId) {
    LedgerPart part = latest.get(requestId);
    return part == null ? null : part.state();
  }

  public LedgerPart latest(String requestId) {
    return latest.get(requestId);
  }

  public int calls() {
    return calls.get();
  }

  public List<Long> sequences() {
    List<Long> sequences = new ArrayList<>();
    entries.forEach(e -> sequences.add(e.sequence()));
    return sequences;
  }
}
