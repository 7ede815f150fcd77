package dev.accessflow.workflows.model;

import java.time.Duration;

/**
 * When a stage nobody decides on is nudged, escalated and finally expired, each measured from the
 * moment the stage was put to its approvers. A null step is skipped; a null expireAfter means the
 * request's approvalTimeout (the config-wide default).
 */
public record StageTimings(Duration remindAfter, Duration escalateAfter, Duration expireAfter) {
  public static final StageTimings DEFAULT = new StageTimings(null, null, null);
}
