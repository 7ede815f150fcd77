package dev.accessflow.workflows;

/** The kinds of audit step; wire API for the ticket adapters. */
public enum AuditKind {
  SUBMITTED,
  DECISION,
  APPROVED,
  DENIED,
  APPROVAL_TIMED_OUT,
  PROVISIONED,
  EXPIRY_SCHEDULED,
  EXTENDED,
  REVOCATION_OVERDUE,
  REVOKED,
  FAILED
}
