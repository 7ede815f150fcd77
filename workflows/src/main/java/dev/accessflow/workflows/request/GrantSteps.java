package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.model.RequestStatus.*;

import dev.accessflow.workflows.TimerRace;
import dev.accessflow.workflows.membership.Grant;
import dev.accessflow.workflows.membership.RemovalText;
import dev.accessflow.workflows.model.AuditKind;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The grant's main-thread steps: provision (nothing half-done, nothing granted once revoked), warn
 * before the expiry, and remove, saying on the ticket how late the removal was, if at all.
 */
final class GrantSteps {
  /** The promise: a membership is gone within this long of its expiry. Slower removals are "late". */
  static final Duration REVOCATION_TARGET = Duration.ofSeconds(1);
  /** A due removal still failing after this long is shown as overdue (state, ticket). */
  static final Duration OVERDUE_AFTER = Duration.ofSeconds(5);

  private final AccessRequestWorkflowImpl w;

  GrantSteps(AccessRequestWorkflowImpl workflow) {
    this.w = workflow;
  }

  boolean provision() {
    w.transition(PROVISIONING);
    if (w.revocation != null) {
      return revokedBeforeTheGrant("nothing was granted");
    }
    // The decision's notices wait for the grant they led to, and go out with it in one batch.
    w.outbox.hold();
    Grant.Provisioned provisioned;
    try {
      provisioned = w.grant.provision(w.user);
    } finally {
      w.outbox.release();
    }
    if (!provisioned.complete()) {
      // Nothing half-done: take back only the leases this grant did get before failing the w.request.
      w.grant.remove("rollback").get();
      w.fail("could not grant access (" + String.join("; ", provisioned.failures())
          + "); any membership added was removed again");
      return false;
    }
    if (w.revocation != null) {
      // Revoked while the groups were being added: the person is never told the access is active.
      w.grant.remove("rollback").get();
      return revokedBeforeTheGrant("the memberships added meanwhile were removed again");
    }
    w.expiry.start(AccessRequestWorkflowImpl.now(), w.request.duration());
    w.transition(ACTIVE);
    List<String> standing = provisioned.standing();
    w.audit(AuditKind.PROVISIONED, "Added " + w.request.requester() + " (IdP id " + w.user.id() + ") to groups "
        + w.request.groupLabels() + " at " + w.expiry.grantedAt() + "."
        + (standing.isEmpty() ? "" : " " + w.request.requester() + " was already a member of " + String.join(", ", standing)
            + " before this grant (standing access): accessflow leaves that membership in place when the grant ends."));
    w.audit(AuditKind.EXPIRY_SCHEDULED, "Access expires at " + w.expiry.expiresAt() + " (" + w.request.duration() + ").");
    w.outbox.tellEveryone(AuditKind.PROVISIONED, "Access to " + w.request.app() + " / " + w.request.role() + " is active until "
        + w.expiry.expiresAt() + ".", w.lastDecision());
    return true;
  }

  private boolean revokedBeforeTheGrant(String what) {
    w.revokedAt = AccessRequestWorkflowImpl.now();
    w.transition(REVOKED);
    String text = "Revoked by " + w.revocation.actor() + " via " + w.revocation.channel()
        + RequestTexts.comment(w.revocation.reason()) + " before the grant took effect: " + what + ".";
    w.audit(AuditKind.REVOKED, text);
    w.outbox.tellEveryone(AuditKind.REVOKED, text, w.lastDecision());
    return false;
  }

  void warnExpiringSoon(Instant at) {
    String text = RequestTexts.expiringSoon(w.request, at.toString());
    w.audit(AuditKind.EXPIRING_SOON, text);
    w.outbox.notifyRequester(AuditKind.EXPIRING_SOON, text);
  }

  void removeAccess() {
    boolean early = w.revocation != null;
    Instant due = early ? w.revocationRequestedAt : w.expiry.expiresAt();
    if (w.pendingExtension() != null) {
      w.audit(AuditKind.DECISION, "The extension to " + w.pendingExtension().newDuration()
          + " lapsed: the grant ended before it was approved.");
      w.endExtensionRound();
    }
    w.transition(REVOKING);
    Promise<Map<String, String>> removed = w.grant.remove("end");
    // The first try answers within seconds; only a removal it left to the retries needs the overdue mark.
    Workflow.await(() -> removed.isCompleted() || w.grant.removalRetrying());
    Duration untilOverdue = OVERDUE_AFTER.minus(Duration.between(due, AccessRequestWorkflowImpl.now()));
    if (!removed.isCompleted() && (untilOverdue.isNegative() || untilOverdue.isZero()
        || !Workflow.await(untilOverdue, removed::isCompleted) && TimerRace.stillDue(removed::isCompleted))) {
      w.revocationOverdueSince = due;
      w.publishStatus(); // from now on visible as REVOKING: a removal that is not going through
      w.refreshDetails();
      w.audit(AuditKind.REVOCATION_OVERDUE, "Removal due at " + due + " has not succeeded yet ("
          + (w.lastError == null ? "the IdP has not confirmed it" : w.lastError) + "). accessflow keeps retrying until it does.");
    }
    Map<String, String> outcomes = removed.get();
    w.revokedAt = AccessRequestWorkflowImpl.now();
    w.revocationLag = Duration.between(due, w.revokedAt);
    w.revocationOverdueSince = null;
    w.transition(early ? REVOKED : EXPIRED);
    String why = early ? "Revoked early by " + w.revocation.actor() + " via " + w.revocation.channel()
        + RequestTexts.comment(w.revocation.reason()) + "." : "Expired.";
    w.audit(AuditKind.REVOKED, why + " " + RemovalText.of(w.request, outcomes, w.revokedAt, w.revocationLag, REVOCATION_TARGET,
        early ? "it was revoked" : "the grant ended", due));
    w.outbox.tellEveryone(AuditKind.REVOKED, why + " Access to " + w.request.app() + " / " + w.request.role()
        + " has been removed.", w.lastDecision());
  }
}
