package dev.accessflow.workflows.model;

/** Lifecycle of one access request. Names are wire API (search attribute values, JSON): never rename. */
public enum RequestStatus {
  SUBMITTED,
  PENDING_APPROVAL,
  APPROVED,
  PROVISIONING,
  ACTIVE,
  REVOKING,
  EXPIRED,
  DENIED,
  APPROVAL_TIMED_OUT,
  REVOKED,
  FAILED;

  /** True once the request can never change again. */
  public boolean isClosed() {
    return switch (this) {
      case EXPIRED, DENIED, APPROVAL_TIMED_OUT, REVOKED, FAILED -> true;
      default -> false;
    };
  }

  /** True while the user holds (or is being given, or is losing) the access. */
  public boolean holdsAccess() {
    return this == PROVISIONING || this == ACTIVE || this == REVOKING;
  }
}
