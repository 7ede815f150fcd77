package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.model.RequestStatus.*;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.Failures;
import dev.accessflow.workflows.approval.ApprovalRound;
import dev.accessflow.workflows.approval.ApprovalRound.Purpose;
import dev.accessflow.workflows.approval.RouteResolver;
import dev.accessflow.workflows.approval.StageClock;
import dev.accessflow.workflows.membership.Grant;
import dev.accessflow.workflows.model.*;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributeUpdate;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The access request lifecycle as a state machine: resolve, route, approve (or break glass), grant,
 * hold until expiry or revocation, remove. The parts live in named collaborators: {@link ApprovalRun},
 * {@link ApprovalRound} and {@link StageClock} (approval, extension and review alike), {@link RouteResolver},
 * {@link GrantSteps} and {@link Grant}, {@link ExpiryTimer}, {@link RequestOutbox} and {@link RequestTexts};
 * the update rules in {@link UpdateRules}.
 */
public final class AccessRequestWorkflowImpl implements AccessRequestWorkflow {
  private final IdentityProvider idp =
      Workflow.newActivityStub(IdentityProvider.class, AccessflowTemporal.idpGrantOptions());
  final AccessRequest request;
  final List<ApprovalStage> route = new ArrayList<>();
  final List<RecordedDecision> decisions = new ArrayList<>();
  final AppliedEvents appliedEvents = new AppliedEvents();
  final RequestOutbox outbox;
  final Grant grant;
  final ExpiryTimer expiry;
  /** The round decisions go to: the approval (or break-glass review) first, later an extension's; null when none is open. */
  ApprovalRound round;
  RequestStatus status = SUBMITTED;
  IdpUser user;
  Revocation revocation;
  boolean reviewPending;
  /** How a break-glass review ended ("kept", "rejected"), for the search attribute; null while it runs. */
  String breakGlassReview;
  /** How the grant was approved (a search attribute, for the "approved N times before" rule); null until it is. */
  String approvedBy;
  private Instant submittedAt;
  Instant revocationRequestedAt;
  Instant revokedAt;
  Instant revocationOverdueSince;
  Duration revocationLag;
  String lastError;
  private Extension pendingExtension;
  private final UpdateRules rules = new UpdateRules(this);
  final ApprovalRun approval = new ApprovalRun(this);
  private final GrantSteps grantSteps = new GrantSteps(this);

  @WorkflowInit
  public AccessRequestWorkflowImpl(AccessRequest request) {
    this.request = request;
    this.route.addAll(request.route());
    this.grant = new Grant(request, this::noteError);
    this.outbox = new RequestOutbox(request, this::noteError,
        () -> LedgerPart.facts(state(), grant.standingGroups(), approvedBy), this::publishOperatorAttributes);
    this.expiry = new ExpiryTimer(request.policy().expiringSoonLead(), request.requester() + " from "
        + request.groupLabels());
    boolean review = request.policy().breakGlass() && !request.route().isEmpty();
    // A break-glass route is a review from the start: a reviewer who clicks early is never taken for an approver.
    this.round = new ApprovalRound(review ? Purpose.REVIEW : Purpose.APPROVAL, route, request.requester());
    this.reviewPending = review;
  }

  @Override
  public AccessRequestState run(AccessRequest ignored) {
    submittedAt = now();
    // Not transition(SUBMITTED): a decision delivered with the start may already have moved the status on.
    transition(status);
    try {
      // The intake's answer when it had one: asking the IdP again would cost an activity and say the same.
      user = request.requesterProfile() != null ? request.requesterProfile() : idp.resolveUser(request.requester());
    } catch (ActivityFailure failure) {
      outbox.audit(AuditKind.SUBMITTED, status, RequestTexts.submitted(request, route, List.of()));
      fail("the requester " + request.requester() + " could not be resolved in the IdP: " + Failures.describe(failure));
      return finish();
    }
    // Resolved once, from the IdP profile just recorded, so a replay computes the same route.
    RouteResolver.Resolution resolution = RouteResolver.resolve(request.route(), request.requester(), user);
    if (resolution.failure() == null) {
      route.clear();
      route.addAll(resolution.route());
    }
    outbox.audit(AuditKind.SUBMITTED, status, RequestTexts.submitted(request, route, resolution.notes()));
    outbox.notifyRequester(AuditKind.SUBMITTED, "Your request for " + request.app() + " / " + request.role()
        + " was submitted. Route: " + RequestTexts.route(route) + ".");
    if (resolution.failure() != null) {
      fail(resolution.failure());
      return finish();
    }
    if (request.policy().breakGlass()) {
      return breakGlass();
    }
    // The submission's notices go out inside this task: what else it holds (the approval's timer) can wait a moment.
    outbox.sendNextLocally();
    if (approval.approve() && grantSteps.provision()) {
      expiry.await(() -> revocation != null, grantSteps::warnExpiringSoon);
      grantSteps.removeAccess();
    }
    return finish();
  }

  /**
   * Emergency access: granted at once, the security channel told, and the route turned into an
   * after-the-fact review that keeps the request open (and visible) until it is complete.
   */
  private AccessRequestState breakGlass() {
    approvedBy = AccessflowTemporal.BREAK_GLASS;
    transition(APPROVED);
    String text = RequestTexts.breakGlass(request, route);
    audit(AuditKind.BREAK_GLASS, text);
    outbox.announce(AuditKind.BREAK_GLASS, text);
    if (reviewPending) {
      approval.ask(round, round.stageIndex());
    }
    if (grantSteps.provision()) {
      expiry.await(() -> revocation != null, grantSteps::warnExpiringSoon);
      grantSteps.removeAccess();
    } else {
      reviewPending = false; // nothing was granted, so there is nothing to review
      breakGlassReview = breakGlassReview == null ? "not-granted" : breakGlassReview;
    }
    approval.awaitReview();
    return finish();
  }

  // ---- updates: the rules are in UpdateRules, the effects here ----

  @Override
  public void validateDecide(Decision decision) {
    rules.checkDecide(decision);
  }

  @Override
  public UpdateOutcome decide(Decision decision) {
    return rules.once(AppliedEvents.Kind.DECIDE, decision.eventId(), () -> rules.decide(decision));
  }

  @Override
  public void validateExtend(Extension extension) {
    rules.checkExtend(extension);
  }

  @Override
  public UpdateOutcome extend(Extension extension) {
    return rules.once(AppliedEvents.Kind.EXTEND, extension.eventId(), () -> rules.extend(extension));
  }

  @Override
  public void validateRevoke(Revocation revocation) {
    rules.checkRevoke(revocation);
  }

  @Override
  public UpdateOutcome revoke(Revocation revocation) {
    return rules.once(AppliedEvents.Kind.REVOKE, revocation.eventId(), () -> {
      rules.checkRevoke(revocation); // a revoke accepted earlier in this task is not overwritten
      this.revocation = revocation;
      revocationRequestedAt = now();
      return new UpdateOutcome(REVOKING, "revocation started; the membership is being removed");
    });
  }

  @Override
  public void removalFailing(String error) {
    if (status == REVOKING || status == PROVISIONING || status == FAILED) {
      lastError = error;
      refreshDetails();
    }
  }

  @Override
  public AccessRequestState state() {
    return new AccessRequestState(request, status, submittedAt, round == null ? route.size() : round.stageIndex(),
        List.copyOf(decisions), user == null ? null : user.id(), expiry.grantedAt(), expiry.expiresAt(), revokedAt,
        revocationOverdueSince, revocationLag, outbox.ticketKey(), outbox.approverMessages(), lastError,
        outbox.ticketBacklog(), List.copyOf(route), reviewPending);
  }

  // ---- used by UpdateRules ----

  void startExtensionRound(Extension extension) {
    pendingExtension = extension;
    round = new ApprovalRound(Purpose.EXTENSION, route, request.requester());
  }

  Extension pendingExtension() {
    return pendingExtension;
  }

  void endExtensionRound() {
    pendingExtension = null;
    round = null;
  }

  void applyExtension(Duration newDuration, String how) {
    Instant before = expiry.moveTo(newDuration);
    transition(ACTIVE);
    String text = "Expiry moved from " + before + " to " + expiry.expiresAt() + " " + how + ".";
    audit(AuditKind.EXTENDED, text);
    outbox.notifyRequester(AuditKind.EXTENDED, text);
  }

  void revokeAfterReview(RecordedDecision rejection) {
    if (revocation == null && !status.isClosed()) {
      revocation = new Revocation(rejection.eventId(), rejection.actor(), rejection.channel(),
          "break-glass review rejected it" + RequestTexts.comment(rejection.comment()));
      revocationRequestedAt = now();
    }
  }

  void audit(AuditKind kind, String text) {
    outbox.audit(kind, status, text);
  }

  void transition(RequestStatus next) {
    status = next;
    // APPROVED always moves on to PROVISIONING in the same workflow task, and a removal is REVOKING
    // for a moment: the search attribute shows REVOKING only for one that is overdue (publishStatus).
    if (next != APPROVED && next != REVOKING) {
      publishStatus();
    }
    refreshDetails();
  }

  /**
   * The Temporal UI's current details: the status, until when, whom it waits for, and a removal
   * that is not going through with the IdP's error. Not a command: set as often as it changes.
   */
  void refreshDetails() {
    Instant expiresAt = expiry.expiresAt();
    // A decision's handler can run while this thread waits in an upsert and move the round past its
    // last stage (found by the bench), so the stage is read afresh here.
    boolean waiting = status == PENDING_APPROVAL && round != null && !round.done();
    StringBuilder details = new StringBuilder(status.name());
    if (expiresAt != null && status.holdsAccess()) {
      details.append(" until ").append(expiresAt);
    }
    if (waiting) {
      details.append(" - waiting for ").append(RequestTexts.stage(round.current()));
    }
    if (revocationOverdueSince != null) {
      details.append(" - removal OVERDUE since ").append(revocationOverdueSince)
          .append(lastError == null ? "" : ": " + lastError).append("; retried until the IdP confirms it");
    }
    if (reviewPending && AccessflowTemporal.BREAK_GLASS.equals(approvedBy)) {
      details.append(" - break-glass, awaiting review");
    }
    Workflow.setCurrentDetails(details.toString());
  }

  /** Upserts the search attributes that changed (a starter sets requester, app, role and status already). */
  void publishStatus() {
    Instant expiresAt = expiry.expiresAt();
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    changed(updates, AccessflowTemporal.REQUESTER, request.requester());
    changed(updates, AccessflowTemporal.APP, request.app());
    changed(updates, AccessflowTemporal.ROLE, request.role());
    changed(updates, AccessflowTemporal.STATUS, status.name());
    if (expiresAt != null) {
      changed(updates, AccessflowTemporal.EXPIRES_AT, expiresAt.atOffset(ZoneOffset.UTC));
    }
    if (approvedBy != null) {
      changed(updates, AccessflowTemporal.APPROVED_BY, approvedBy);
    }
    if (operatorAttributes()) {
      operatorUpdates(updates);
    }
    if (!updates.isEmpty()) {
      Workflow.upsertTypedSearchAttributes(updates.toArray(SearchAttributeUpdate<?>[]::new));
    }
  }

  /** Upserts what changed of the operator's attributes (ticket key, removal overdue, break-glass review) alone. */
  void publishOperatorAttributes() {
    if (!operatorAttributes()) {
      return;
    }
    List<SearchAttributeUpdate<?>> updates = new ArrayList<>();
    operatorUpdates(updates);
    if (!updates.isEmpty()) {
      Workflow.upsertTypedSearchAttributes(updates.toArray(SearchAttributeUpdate<?>[]::new));
    }
  }

  /**
   * Whether this run keeps the operator's attributes: its starter set {@code AccessRemovalOverdue}
   * (false) with the others, which runs started before them never had, so those replay unchanged.
   * The start's attributes are in the history. A {@code getVersion} here did not do: with it, 9 of
   * the 24 committed histories no longer replayed (their timer ids and command order shifted),
   * probably because this is called from update handlers and callbacks as well as the main thread.
   */
  private static boolean operatorAttributes() {
    return Workflow.getTypedSearchAttributes().get(AccessflowTemporal.REMOVAL_OVERDUE) != null;
  }

  private void operatorUpdates(List<SearchAttributeUpdate<?>> updates) {
    if (outbox.ticketKey() != null) {
      changed(updates, AccessflowTemporal.TICKET_KEY, outbox.ticketKey());
    }
    // Always present here (operatorAttributes), so only a change is upserted.
    changed(updates, AccessflowTemporal.REMOVAL_OVERDUE, revocationOverdueSince != null);
    if (breakGlassReview != null) {
      changed(updates, AccessflowTemporal.BREAK_GLASS_REVIEW, breakGlassReview);
    }
  }

  private static <T> void changed(List<SearchAttributeUpdate<?>> updates, SearchAttributeKey<T> key, T value) {
    T current = Workflow.getTypedSearchAttributes().get(key);
    if (current == null || !sameValue(current, value)) {
      updates.add(key.valueSet(value));
    }
  }

  private static boolean sameValue(Object current, Object value) {
    if (current instanceof OffsetDateTime a && value instanceof OffsetDateTime b) {
      return a.toInstant().equals(b.toInstant());
    }
    return current.equals(value);
  }

  void fail(String reason) {
    lastError = reason;
    transition(FAILED);
    audit(AuditKind.FAILED, "Failed: " + reason + ".");
    outbox.tellEveryone(AuditKind.FAILED, "Request failed: " + reason + ".", lastDecision());
  }

  /** Waits for every handler and every notification, including those a late handler posted. */
  private AccessRequestState finish() {
    outbox.sendNextLocally(); // the last notices: nothing waits for this task any more
    do {
      Workflow.await(Workflow::isEveryHandlerFinished);
      outbox.recordState(); // the ledger's row ends as the request did
      outbox.drain();
    } while (!Workflow.isEveryHandlerFinished() || !outbox.isDrained());
    return state();
  }

  /** The decision an outcome reports: the last one made, as it was when the outcome was posted. */
  RecordedDecision lastDecision() {
    return decisions.isEmpty() ? null : decisions.get(decisions.size() - 1);
  }

  private void noteError(String error) {
    lastError = error;
    refreshDetails();
  }

  static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
