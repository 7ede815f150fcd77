package dev.accessflow.workflows.model;

/** Where a decision or instruction came from; recorded as audit evidence. */
public enum Channel {
  REST,
  SLACK,
  JIRA,
  /** Decided by accessflow itself: policy auto-approval, timeout, expiry. */
  SYSTEM
}
