package dev.accessflow.workflows.testing;

import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records the histories the replay test reads. Run a module's tests with
 * {@code -Daccessflow.recordHistory=<dir>} (e.g. workflows/src/test/resources/histories) to refresh them.
 */
public final class Histories {
  private Histories() {}

  /** Writes the workflow's history to {@code <dir>/<name>.json} when recording was asked for. */
  public static void recordIfAsked(WorkflowClient client, String workflowId, String name) {
    recordIfAsked(client, workflowId, null, name);
  }

  /** How many events of {@code type} the workflow's latest run has (e.g. timers cancelled, fired, started). */
  public static long count(WorkflowClient client, String workflowId, io.temporal.api.enums.v1.EventType type) {
    return client.fetchHistory(workflowId).getHistory().getEventsList().stream()
        .filter(e -> e.getEventType() == type).count();
  }

  /**
   * True when the workflow's latest run waits on a timer that has neither fired nor been cancelled:
   * a signal sent now finds it waiting (tests wait for this, so what they assert does not race).
   */
  public static boolean waitingOnATimer(WorkflowClient client, String workflowId) {
    return count(client, workflowId, io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED)
        > count(client, workflowId, io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED)
        + count(client, workflowId, io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_CANCELED);
  }

  /** The same for one run of the workflow (a run that continued as new); null for the latest. */
  public static void recordIfAsked(WorkflowClient client, String workflowId, String runId, String name) {
    String dir = System.getProperty("accessflow.recordHistory");
    if (dir == null) {
      return;
    }
    try {
      Files.writeString(Path.of(dir, name + ".json"), (runId == null ? client.fetchHistory(workflowId)
          : client.fetchHistory(workflowId, runId)).toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
