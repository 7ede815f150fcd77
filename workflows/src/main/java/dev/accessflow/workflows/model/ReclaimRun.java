package dev.accessflow.workflows.model;

/**
 * A reclaim run's workflow state: the input of each run (it continues as new) and what its query
 * answers. The items are in the ledger, never here.
 *
 * @param phase reading (the app's sign-in log), scanning (the inventory, page by page), grace
 *     (waiting out graces, carrying out removals)
 * @param ticketKey the run's ticket, once opened ("" when no ticket system is configured)
 * @param nudged a Keep or a sign-in was recorded: settle and write the record now
 * @param reportPart the last part of the record written to the ticket
 */
public record ReclaimRun(String runId, String app, String phase, String ticketKey, boolean nudged, long reportPart) {
  public static final String READING = "reading";
  public static final String SCANNING = "scanning";
  public static final String GRACE = "grace";

  /** A new run's first workflow run. */
  public static ReclaimRun start(String runId, String app) {
    return new ReclaimRun(runId, app, READING, null, false, 0);
  }
}
