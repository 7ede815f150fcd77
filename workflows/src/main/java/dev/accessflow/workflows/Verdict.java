package dev.accessflow.workflows;

/** An approver's answer. */
public enum Verdict {
  APPROVE,
  DENY
}
