package dev.accessflow.workflows.model;

/** An approver's answer. */
public enum Verdict {
  APPROVE,
  DENY
}
