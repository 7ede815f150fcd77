package dev.accessflow.workflows.model;

/** The kinds of audit step; wire API for the ticket adapters. */
public enum AuditKind {
  SUBMITTED,
  DECISION,
  APPROVED,
  /** Approved by an auto-approval rule (or a route with no stages); the text names the rule. */
  AUTO_APPROVED,
  DENIED,
  APPROVAL_TIMED_OUT,
  PROVISIONED,
  EXPIRY_SCHEDULED,
  EXTENDED,
  /** The requester asked to extend an active grant; it goes through the approval route again. */
  EXTENSION_REQUESTED,
  /** The grant ends soon; the requester may ask to extend it. */
  EXPIRING_SOON,
  /** Approvers have not decided yet; they are reminded. */
  REMINDER,
  /** Nobody in the stage decided in time; the stage moved to the next people configured. */
  ESCALATED,
  /** Emergency access granted before approval; the after-the-fact review is pending. */
  BREAK_GLASS,
  /** A reviewer completed (approved) or rejected (denied) a break-glass grant after the fact. */
  BREAK_GLASS_REVIEWED,
  REVOCATION_OVERDUE,
  REVOKED,
  FAILED
}
