package dev.accessflow.workflows.ports;

import org.slf4j.MDC;

/**
 * The log context of a line that concerns a request: its id, its workflow and its ticket, as MDC
 * keys (fields of every JSON log line, so an operator can search by any of them). Adapters open
 * one around the work they do for a request and close it after.
 */
public final class LogContext implements AutoCloseable {
  public static final String REQUEST_ID = "requestId";
  public static final String WORKFLOW_ID = "workflowId";
  public static final String TICKET_KEY = "ticketKey";

  private final String[] keys;
  private final String[] previous;

  private LogContext(String... pairs) {
    keys = new String[pairs.length / 2];
    previous = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = pairs[2 * i];
      previous[i] = MDC.get(keys[i]);
      String value = pairs[2 * i + 1];
      if (value != null && !value.isBlank()) {
        MDC.put(keys[i], value);
      }
    }
  }

  /** Sets the non-null ones until closed; a key set by an outer context comes back when this one closes. */
  public static LogContext of(String requestId, String workflowId, String ticketKey) {
    return new LogContext(REQUEST_ID, requestId, WORKFLOW_ID, workflowId, TICKET_KEY, ticketKey);
  }

  /** Any other fields (k1, v1, k2, v2...), e.g. an audit step's kind and sequence. */
  public static LogContext with(String... pairs) {
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException("key and value pairs");
    }
    return new LogContext(pairs);
  }

  @Override
  public void close() {
    for (int i = 0; i < keys.length; i++) {
      if (previous[i] == null) {
        MDC.remove(keys[i]);
      } else {
        MDC.put(keys[i], previous[i]);
      }
    }
  }
}
