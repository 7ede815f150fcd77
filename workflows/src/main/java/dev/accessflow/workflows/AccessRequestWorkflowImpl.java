package dev.accessflow.workflows;

import static dev.accessflow.workflows.RequestStatus.*;

import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.ApprovalChat;
import dev.accessflow.workflows.ports.IdentityProvider;
import dev.accessflow.workflows.ports.MembershipLeases;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/** The access request lifecycle. Deterministic: all I/O goes through the three ports. */
public final class AccessRequestWorkflowImpl implements AccessRequestWorkflow {
  private static final Logger log = Workflow.getLogger(AccessRequestWorkflowImpl.class);

  /** The promise: a membership is gone within this long of its expiry. Slower removals are "late". */
  static final Duration REVOCATION_TARGET = Duration.ofSeconds(1);
  /** A due removal still failing after this long is shown as overdue (state, ticket). */
  static final Duration OVERDUE_AFTER = Duration.ofSeconds(5);
  /** Pause between removal batches when the IdP refused outright (no tight loop on a non-retryable error). */
  static final Duration REVOKE_PAUSE_AFTER_REFUSAL = Duration.ofSeconds(10);
  /** getVersion change id: grants go through GroupMembership leases instead of direct IdP calls. */
  static final String SHARED_MEMBERSHIPS = "shared-memberships";

  private final IdentityProvider idp =
      Workflow.newActivityStub(IdentityProvider.class, AccessflowTemporal.idpGrantOptions());
  private final IdentityProvider idpRevoke =
      Workflow.newActivityStub(IdentityProvider.class, AccessflowTemporal.idpRevokeOptions());
  private final MembershipLeases leases =
      Workflow.newActivityStub(MembershipLeases.class, AccessflowTemporal.leaseAcquireOptions());
  private final MembershipLeases leaseRelease =
      Workflow.newActivityStub(MembershipLeases.class, AccessflowTemporal.leaseReleaseOptions());
  private final AccessTickets tickets =
      Workflow.newActivityStub(AccessTickets.class, AccessflowTemporal.notificationOptions());
  private final ApprovalChat chat =
      Workflow.newActivityStub(ApprovalChat.class, AccessflowTemporal.notificationOptions());

  private final AccessRequest request;
  private final Outbox ticketOutbox = new Outbox(this::noteError);
  private final Outbox chatOutbox = new Outbox(this::noteError);
  private final List<RecordedDecision> decisions = new ArrayList<>();
  /** Outcome per applied external event id: a redelivered event gets the first answer again. */
  private final Map<String, UpdateOutcome> appliedEvents = new HashMap<>();
  private final List<ChatMessageRef> approverMessages = new ArrayList<>();

  private RequestStatus status = SUBMITTED;
  private Instant submittedAt;
  private int stageIndex;
  private IdpUser user;
  private Instant grantedAt;
  private Instant expiresAt;
  private Instant revokedAt;
  private Instant revocationOverdueSince;
  private Duration revocationLag;
  private String ticketKey;
  private boolean ticketOpened;
  private String lastError;
  private Revocation revocation;
  private Instant revocationRequestedAt;
  private long auditSequence;
  private int askedStage = -1;
  /** Version 1: memberships are leases on a shared GroupMembership workflow (overlapping grants). */
  private boolean sharedMemberships;

  @WorkflowInit
  public AccessRequestWorkflowImpl(AccessRequest request) {
    this.request = request;
    this.ticketKey = request.ticketKey();
  }

  @Override
  public AccessRequestState run(AccessRequest ignored) {
    submittedAt = now();
    Workflow.upsertTypedSearchAttributes(
        AccessflowTemporal.REQUESTER.valueSet(request.requester()),
        AccessflowTemporal.APP.valueSet(request.app()),
        AccessflowTemporal.ROLE.valueSet(request.role()));
    // Not transition(SUBMITTED): a decision delivered with the start (or during the upsert above)
    // has already moved the status on, and overwriting it left the request waiting forever for
    // an approval it had (found by the bench harness under load).
    transition(status);
    audit(AuditKind.SUBMITTED, request.requester() + " asked for " + request.app() + " / " + request.role()
        + " for " + request.duration() + " (risk " + request.riskTier() + ", via " + request.source() + ")."
        + " Reason: " + request.reason() + ". Route: " + describeRoute() + ".");

    // Resolve the requester before any approver is bothered: an unknown person fails at once.
    try {
      user = idp.resolveUser(request.requester());
    } catch (ActivityFailure failure) {
      fail("the requester " + request.requester() + " could not be resolved in the IdP: " + Failures.describe(failure));
      return finish();
    }

    if (request.route().isEmpty()) {
      RecordedDecision auto = new RecordedDecision("policy", "accessflow", Verdict.APPROVE, Channel.SYSTEM,
          "no approval required for risk tier " + request.riskTier(), now(), "policy");
      decisions.add(auto);
      transition(APPROVED);
      audit(AuditKind.APPROVED, "Approved automatically by policy: " + auto.comment() + ".");
    } else {
      // A decision may already have arrived while the requester was being resolved.
      if (status == SUBMITTED) {
        transition(PENDING_APPROVAL);
      }
      askCurrentStage();
      boolean decided = Workflow.await(request.approvalTimeout(), () -> status != PENDING_APPROVAL);
      if (!decided) {
        transition(APPROVAL_TIMED_OUT);
        String text = "No decision within " + request.approvalTimeout() + "; the request timed out. Nothing was granted.";
        audit(AuditKind.APPROVAL_TIMED_OUT, text);
        tellEveryone(AuditKind.APPROVAL_TIMED_OUT, text);
        return finish();
      }
      if (status == DENIED) {
        RecordedDecision denial = decisions.get(decisions.size() - 1);
        String text = "Denied by " + denial.actor() + " via " + denial.channel()
            + (denial.comment() == null ? "" : ": " + denial.comment()) + ". Nothing was granted.";
        audit(AuditKind.DENIED, text);
        tellEveryone(AuditKind.DENIED, text);
        return finish();
      }
      audit(AuditKind.APPROVED, "All approval stages complete: " + describeApprovals() + ".");
    }

    if (!provision()) {
      return finish();
    }
    holdUntilExpiryOrRevocation();
    removeAccess();
    return finish();
  }

  // ---- provisioning and expiry ----

  private boolean provision() {
    transition(PROVISIONING);
    sharedMemberships = Workflow.getVersion(SHARED_MEMBERSHIPS, Workflow.DEFAULT_VERSION, 1) == 1;
    List<String> failures = new ArrayList<>();
    List<Promise<Void>> adds = new ArrayList<>();
    for (String group : request.groups()) {
      adds.add(sharedMemberships
          ? Async.procedure(leases::acquire, membership(group))
          : Async.procedure(idp::addMember, membership(group)));
    }
    for (int i = 0; i < adds.size(); i++) {
      try {
        adds.get(i).get();
      } catch (ActivityFailure failure) {
        failures.add("group " + request.groups().get(i) + ": " + Failures.describe(failure));
      }
    }
    if (!failures.isEmpty()) {
      // Nothing half-done: take back the groups that did succeed before failing the request.
      removeFromAllGroups();
      fail("could not grant access (" + String.join("; ", failures) + "); any membership added was removed again");
      return false;
    }
    grantedAt = now();
    expiresAt = grantedAt.plus(request.duration());
    transition(ACTIVE);
    audit(AuditKind.PROVISIONED, "Added " + request.requester() + " (IdP id " + user.id() + ") to groups "
        + String.join(", ", request.groups()) + " at " + grantedAt + ".");
    audit(AuditKind.EXPIRY_SCHEDULED, "Access expires at " + expiresAt + " (" + request.duration() + ").");
    tellEveryone(AuditKind.PROVISIONED, "Access to " + request.app() + " / " + request.role() + " is active until " + expiresAt + ".");
    return true;
  }

  private void holdUntilExpiryOrRevocation() {
    while (revocation == null) {
      Duration left = Duration.between(now(), expiresAt);
      if (left.isNegative() || left.isZero()) {
        return;
      }
      Instant scheduled = expiresAt;
      Workflow.await(left, () -> revocation != null || !expiresAt.equals(scheduled));
    }
  }

  private void removeAccess() {
    boolean early = revocation != null;
    Instant due = early ? revocationRequestedAt : expiresAt;
    transition(REVOKING);
    Promise<Void> removed = Async.procedure(this::removeFromAllGroups);
    if (!Workflow.await(OVERDUE_AFTER, removed::isCompleted)) {
      revocationOverdueSince = due;
      audit(AuditKind.REVOCATION_OVERDUE, "Removal due at " + due + " has not succeeded yet ("
          + (lastError == null ? "the IdP has not confirmed it" : lastError) + "). accessflow keeps retrying until it does.");
    }
    removed.get();
    revokedAt = now();
    revocationLag = Duration.between(due, revokedAt);
    revocationOverdueSince = null;
    transition(early ? REVOKED : EXPIRED);
    String late = revocationLag.compareTo(REVOCATION_TARGET) > 0
        ? " This was " + revocationLag + " late (due " + due + ")."
        : "";
    String why = early
        ? "Revoked early by " + revocation.actor() + " via " + revocation.channel()
            + (revocation.reason() == null ? "" : ": " + revocation.reason()) + "."
        : "Expired.";
    audit(AuditKind.REVOKED, why + " Removed " + request.requester() + " from groups " + String.join(", ", request.groups())
        + " at " + revokedAt + "." + late);
    tellEveryone(AuditKind.REVOKED, why + " Access to " + request.app() + " / " + request.role() + " has been removed.");
  }

  /** Removes the user from every group of the role, retrying each until the IdP confirms. */
  private void removeFromAllGroups() {
    List<Promise<Void>> removals = new ArrayList<>();
    for (String group : request.groups()) {
      removals.add(Async.procedure(this::removeUntilGone, membership(group)));
    }
    Promise.allOf(removals).get();
  }

  private void removeUntilGone(Membership membership) {
    int failures = 0;
    while (true) {
      try {
        if (sharedMemberships) {
          leaseRelease.release(membership);
        } else {
          idpRevoke.removeMember(membership);
        }
        return;
      } catch (ActivityFailure failure) {
        lastError = "removing from group " + membership.groupId() + ": " + Failures.describe(failure);
        log.warn("request {}: {}; retrying", request.requestId(), lastError);
        if (failure.getRetryState() == RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE) {
          Workflow.sleep(REVOKE_PAUSE_AFTER_REFUSAL);
        } else if (sharedMemberships) {
          // A lease release is a single try; back off between tries (1, 2, 4, 8, then 10 s).
          Workflow.sleep(Duration.ofSeconds(Math.min(10, 1L << Math.min(failures, 4))));
        }
        failures++;
      }
    }
  }

  private Membership membership(String group) {
    return new Membership(request.requestId(), request.requester(), user.id(), group);
  }

  // ---- updates ----

  @Override
  public void validateDecide(Decision decision) {
    require(decision != null, "a decision is required");
    requireText(decision.eventId(), "eventId");
    requireText(decision.actor(), "actor");
    require(decision.verdict() != null, "verdict is required (APPROVE or DENY)");
    require(decision.channel() != null, "channel is required");
    if (appliedEvents.containsKey(decision.eventId())) {
      return; // a redelivery: the handler answers with the first outcome
    }
    // The route is known from the start, so decisions are taken from submission on.
    if (status != PENDING_APPROVAL && status != SUBMITTED) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, notPendingReason());
    }
    if (isRequester(decision.actor())) {
      throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, decision.actor() + " requested this access and cannot approve or deny it");
    }
    ApprovalStage stage = request.route().get(stageIndex);
    if (!stage.allows(decision.actor())) {
      throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, decision.actor() + " is not an approver of stage '" + stage.name()
          + "' of request " + request.requestId() + " (approvers: " + String.join(", ", stage.approvers()) + ")");
    }
    for (RecordedDecision earlier : decisions) {
      if (earlier.actor().equalsIgnoreCase(decision.actor())) {
        throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, decision.actor() + " already approved this request at stage '"
            + earlier.stage() + "'; one person cannot give two approvals");
      }
    }
  }

  @Override
  public UpdateOutcome decide(Decision decision) {
    UpdateOutcome previous = appliedEvents.get(decision.eventId());
    if (previous != null) {
      return previous;
    }
    ApprovalStage stage = request.route().get(stageIndex);
    decisions.add(new RecordedDecision(decision.eventId(), decision.actor(), decision.verdict(), decision.channel(),
        decision.comment(), now(), stage.name()));
    UpdateOutcome outcome;
    if (decision.verdict() == Verdict.DENY) {
      transition(DENIED);
      outcome = new UpdateOutcome(DENIED, "denied by " + decision.actor());
    } else {
      long approvals = decisions.stream()
          .filter(d -> d.stage().equals(stage.name()) && d.verdict() == Verdict.APPROVE)
          .count();
      audit(AuditKind.DECISION, "Approved by " + decision.actor() + " via " + decision.channel() + " at stage '"
          + stage.name() + "' (" + approvals + " of " + stage.required() + ")"
          + (decision.comment() == null ? "" : ": " + decision.comment()) + ".");
      if (approvals < stage.required()) {
        outcome = new UpdateOutcome(PENDING_APPROVAL, "approval " + approvals + " of " + stage.required()
            + " recorded for stage '" + stage.name() + "'");
      } else if (++stageIndex < request.route().size()) {
        askCurrentStage();
        outcome = new UpdateOutcome(PENDING_APPROVAL, "stage '" + stage.name() + "' complete; waiting for stage '"
            + request.route().get(stageIndex).name() + "'");
      } else {
        transition(APPROVED);
        outcome = new UpdateOutcome(APPROVED, "approved by " + decision.actor());
      }
    }
    appliedEvents.put(decision.eventId(), outcome);
    return outcome;
  }

  @Override
  public void validateExtend(Extension extension) {
    require(extension != null, "an extension is required");
    requireText(extension.eventId(), "eventId");
    requireText(extension.actor(), "actor");
    require(extension.channel() != null, "channel is required");
    require(extension.newDuration() != null && !extension.newDuration().isNegative() && !extension.newDuration().isZero(),
        "newDuration must be a positive ISO-8601 duration");
    if (appliedEvents.containsKey(extension.eventId())) {
      return;
    }
    if (status != ACTIVE) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + request.requestId() + " is " + status + "; only an ACTIVE grant can be extended");
    }
    boolean selfService = request.route().isEmpty() && isRequester(extension.actor());
    if (!selfService && (isRequester(extension.actor()) || !isRouteApprover(extension.actor()))) {
      throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, extension.actor() + " may not extend request " + request.requestId()
          + ": only its approvers can (the requester may ask for a new request)");
    }
    if (extension.newDuration().compareTo(request.maxDuration()) > 0) {
      throw refused(AccessflowTemporal.REFUSED_INVALID, "newDuration " + extension.newDuration() + " is over the role's maximum of "
          + request.maxDuration());
    }
    if (!grantedAt.plus(extension.newDuration()).isAfter(now())) {
      throw refused(AccessflowTemporal.REFUSED_INVALID, "newDuration " + extension.newDuration() + " would end the grant in the past (granted at "
          + grantedAt + "); use revoke to end it now");
    }
  }

  @Override
  public UpdateOutcome extend(Extension extension) {
    UpdateOutcome previous = appliedEvents.get(extension.eventId());
    if (previous != null) {
      return previous;
    }
    Instant before = expiresAt;
    expiresAt = grantedAt.plus(extension.newDuration());
    transition(ACTIVE);
    String text = "Expiry moved from " + before + " to " + expiresAt + " by " + extension.actor() + " via "
        + extension.channel() + (extension.comment() == null ? "" : ": " + extension.comment()) + ".";
    audit(AuditKind.EXTENDED, text);
    notifyRequester(AuditKind.EXTENDED, text);
    UpdateOutcome outcome = new UpdateOutcome(ACTIVE, "expires at " + expiresAt);
    appliedEvents.put(extension.eventId(), outcome);
    return outcome;
  }

  @Override
  public void validateRevoke(Revocation revocation) {
    require(revocation != null, "a revocation is required");
    requireText(revocation.eventId(), "eventId");
    requireText(revocation.actor(), "actor");
    require(revocation.channel() != null, "channel is required");
    if (appliedEvents.containsKey(revocation.eventId())) {
      return;
    }
    if (this.revocation != null) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + request.requestId() + " is already being revoked by "
          + this.revocation.actor());
    }
    if (status != APPROVED && status != PROVISIONING && status != ACTIVE) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + request.requestId() + " is " + status + "; there is no grant to revoke");
    }
    if (!isRequester(revocation.actor()) && !isRouteApprover(revocation.actor())) {
      throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, revocation.actor() + " may not revoke request " + request.requestId()
          + ": only the requester or its approvers can");
    }
  }

  @Override
  public UpdateOutcome revoke(Revocation revocation) {
    UpdateOutcome previous = appliedEvents.get(revocation.eventId());
    if (previous != null) {
      return previous;
    }
    this.revocation = revocation;
    revocationRequestedAt = now();
    UpdateOutcome outcome = new UpdateOutcome(REVOKING, "revocation started; the membership is being removed");
    appliedEvents.put(revocation.eventId(), outcome);
    return outcome;
  }

  @Override
  public AccessRequestState state() {
    return new AccessRequestState(request, status, submittedAt, stageIndex, List.copyOf(decisions),
        user == null ? null : user.id(), grantedAt, expiresAt, revokedAt, revocationOverdueSince, revocationLag,
        ticketKey, List.copyOf(approverMessages), lastError, ticketOutbox.backlog());
  }

  // ---- side effects: ticket, chat, search attributes ----

  private void askCurrentStage() {
    if (stageIndex <= askedStage || stageIndex >= request.route().size() || status != PENDING_APPROVAL && status != SUBMITTED) {
      return; // already asked, or decided before the ask went out
    }
    askedStage = stageIndex;
    ApprovalStage stage = request.route().get(stageIndex);
    List<String> approvers = stage.approvers().stream().filter(a -> !isRequester(a)).toList();
    chatOutbox.post(() -> approverMessages.addAll(chat.askApprovers(new ApprovalPrompt(request, stage, approvers, ticketKey))));
  }

  /** Edits every approver message to show the outcome, and tells the requester. */
  private void tellEveryone(AuditKind kind, String text) {
    RequesterNotice notice = new RequesterNotice(request.requestId(), request.requester(), kind, text);
    chatOutbox.post(() -> {
      if (!approverMessages.isEmpty()) {
        chat.showOutcome(List.copyOf(approverMessages), notice);
      }
    });
    chatOutbox.post(() -> chat.notifyRequester(notice));
  }

  private void notifyRequester(AuditKind kind, String text) {
    RequesterNotice notice = new RequesterNotice(request.requestId(), request.requester(), kind, text);
    chatOutbox.post(() -> chat.notifyRequester(notice));
  }

  private void audit(AuditKind kind, String text) {
    AuditEntry entry = new AuditEntry(++auditSequence, now(), kind, status, text);
    log.info("request {} [{}] {}", request.requestId(), kind, text);
    ticketOutbox.post(() -> {
      if (!ticketOpened) {
        String key = tickets.openTicket(request);
        ticketKey = key != null ? key : ticketKey;
        ticketOpened = true;
      }
      tickets.record(ticketKey, request.requestId(), entry);
    });
  }

  private void transition(RequestStatus next) {
    status = next;
    if (expiresAt != null) {
      Workflow.upsertTypedSearchAttributes(
          AccessflowTemporal.STATUS.valueSet(next.name()),
          AccessflowTemporal.EXPIRES_AT.valueSet(expiresAt.atOffset(ZoneOffset.UTC)));
    } else {
      Workflow.upsertTypedSearchAttributes(AccessflowTemporal.STATUS.valueSet(next.name()));
    }
    // A decision's update handler can run while this thread waits in the upsert above and move
    // stageIndex past the last stage (found by the bench harness: a decision arriving as the request
    // turns PENDING_APPROVAL wedged the workflow with IndexOutOfBounds on every task).
    Workflow.setCurrentDetails(next + (expiresAt != null && next.holdsAccess() ? " until " + expiresAt : "")
        + (next == PENDING_APPROVAL && stageIndex < request.route().size()
            ? " - waiting for " + describeStage(request.route().get(stageIndex)) : ""));
  }

  private void fail(String reason) {
    lastError = reason;
    transition(FAILED);
    audit(AuditKind.FAILED, "Failed: " + reason + ".");
    tellEveryone(AuditKind.FAILED, "Request failed: " + reason + ".");
  }

  private AccessRequestState finish() {
    ticketOutbox.closeAndAwait();
    chatOutbox.closeAndAwait();
    Workflow.await(Workflow::isEveryHandlerFinished);
    return state();
  }

  private void noteError(String error) {
    lastError = error;
    log.warn("request {}: could not deliver a notification: {}", request.requestId(), error);
  }

  // ---- helpers ----

  private String notPendingReason() {
    for (int i = decisions.size() - 1; i >= 0; i--) {
      RecordedDecision last = decisions.get(i);
      return "request " + request.requestId() + " is already " + status + " (last decision: " + last.verdict()
          + " by " + last.actor() + " via " + last.channel() + " at " + last.at() + ")";
    }
    return "request " + request.requestId() + " is " + status + " and no longer takes decisions";
  }

  private boolean isRequester(String login) {
    return request.requester().equalsIgnoreCase(login);
  }

  private boolean isRouteApprover(String login) {
    return request.route().stream().anyMatch(stage -> stage.allows(login));
  }

  private String describeRoute() {
    if (request.route().isEmpty()) {
      return "no approval required";
    }
    return String.join(" then ", request.route().stream().map(AccessRequestWorkflowImpl::describeStage).toList());
  }

  private static String describeStage(ApprovalStage stage) {
    String rule = stage.required() == 1 ? "any of" : stage.required() == stage.approvers().size() ? "all of" : stage.required() + " of";
    return "'" + stage.name() + "' (" + rule + " " + String.join(", ", stage.approvers()) + ")";
  }

  private String describeApprovals() {
    return String.join("; ", decisions.stream()
        .map(d -> d.stage() + ": " + d.actor() + " via " + d.channel() + " at " + d.at())
        .toList());
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw refused(AccessflowTemporal.REFUSED_INVALID, message);
    }
  }

  private static ApplicationFailure refused(String type, String message) {
    return ApplicationFailure.newNonRetryableFailure(AccessflowTemporal.refusalMessage(type, message), type);
  }

  private static void requireText(String value, String field) {
    require(value != null && !value.isBlank(), field + " is required");
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
