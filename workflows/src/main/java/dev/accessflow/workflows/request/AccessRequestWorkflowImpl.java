package dev.accessflow.workflows.request;

import dev.accessflow.workflows.Failures;
import dev.accessflow.workflows.membership.MembershipOutcome;
import dev.accessflow.workflows.membership.RemovalText;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.model.StageTimings;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;

import dev.accessflow.workflows.model.RequestStatus;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.Revocation;

import static dev.accessflow.workflows.model.RequestStatus.*;

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
import java.util.LinkedHashMap;
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
  /**
   * getVersion change id: the route is resolved against the requester's IdP profile (manager, department),
   * stages run one by one with reminders, escalation and expiry, auto-approval rules and break-glass apply.
   */
  static final String APPROVAL_POLICY = "approval-policy";

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
  /** Outcome per applied external event, per kind of update: a redelivered event gets the first answer again. */
  private final AppliedEvents appliedEvents = new AppliedEvents();
  private final List<ChatMessageRef> approverMessages = new ArrayList<>();
  /** Messages per stage index, so a reminder goes only under that stage's prompts. */
  private final Map<Integer, List<ChatMessageRef>> stageMessages = new HashMap<>();
  /** The route being run: the request's route until the approval-policy version resolves it. */
  private final List<ApprovalStage> route = new ArrayList<>();

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
  /** Version 1 of approval-policy (see {@link #APPROVAL_POLICY}). */
  private boolean approvalPolicy;
  /** A break-glass grant whose after-the-fact review is not finished. */
  private boolean reviewPending;
  /** Version 1: the requester's extension waiting for the route; stageIndex then counts its stages. */
  private Extension pendingExtension;
  /** Decisions from this index on belong to the current round (the approval, or the pending extension). */
  private int roundStart;

  @WorkflowInit
  public AccessRequestWorkflowImpl(AccessRequest request) {
    this.request = request;
    this.ticketKey = request.ticketKey();
    this.route.addAll(request.route());
    // A break-glass route is a review from the start: a reviewer who clicks early is never taken for an approver.
    this.reviewPending = request.policy().breakGlass() && !request.route().isEmpty();
  }

  @Override
  public AccessRequestState run(AccessRequest ignored) {
    submittedAt = now();
    Workflow.upsertTypedSearchAttributes(
        AccessflowTemporal.REQUESTER.valueSet(request.requester()),
        AccessflowTemporal.APP.valueSet(request.app()),
        AccessflowTemporal.ROLE.valueSet(request.role()));
    // Not transition(SUBMITTED): a decision delivered with the start may already have moved the
    // status on, and overwriting it left the request waiting for an approval it had (found by the bench).
    transition(status);
    approvalPolicy = Workflow.getVersion(APPROVAL_POLICY, Workflow.DEFAULT_VERSION, 1) == 1;
    if (!approvalPolicy) {
      audit(AuditKind.SUBMITTED, submittedText());
    }

    // Resolve the requester before any approver is bothered: an unknown person fails at once.
    try {
      user = idp.resolveUser(request.requester());
    } catch (ActivityFailure failure) {
      if (approvalPolicy) {
        audit(AuditKind.SUBMITTED, submittedText());
      }
      fail("the requester " + request.requester() + " could not be resolved in the IdP: " + Failures.describe(failure));
      return finish();
    }

    if (approvalPolicy) {
      // The route is computed once, here, from the catalog's stages and the IdP profile just resolved
      // (a recorded activity result, so a replay computes the same route).
      String unroutable = resolveRoute();
      audit(AuditKind.SUBMITTED, submittedText());
      notifyRequester(AuditKind.SUBMITTED, "Your request for " + request.app() + " / " + request.role()
          + " was submitted. Route: " + describeRoute() + ".");
      if (unroutable != null) {
        fail(unroutable);
        return finish();
      }
      if (request.policy().breakGlass()) {
        return breakGlass();
      }
      if (!approveByPolicy()) {
        return finish();
      }
    } else if (request.route().isEmpty()) {
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
        announceDenial();
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

  private String submittedText() {
    return request.requester() + " asked for " + request.app() + " / " + request.role()
        + " for " + request.duration() + " (risk " + request.riskTier() + ", via " + request.source() + ")."
        + " Reason: " + request.reason() + ". Route: " + describeRoute() + ".";
  }

  private void announceDenial() {
    RecordedDecision denial = decisions.get(decisions.size() - 1);
    String text = "Denied by " + denial.actor() + " via " + denial.channel()
        + (denial.comment() == null ? "" : ": " + denial.comment()) + ". Nothing was granted.";
    audit(AuditKind.DENIED, text);
    tellEveryone(AuditKind.DENIED, text);
  }

  // ---- approval policy (version 1) ----

  /**
   * Fills in the requester's manager, leaves the requester out of every stage (nobody approves their
   * own request), and tops a stage up from its escalateTo people when too few remain. Returns why the
   * request cannot be routed, or null.
   */
  private String resolveRoute() {
    List<ApprovalStage> resolved = new ArrayList<>();
    for (ApprovalStage stage : route) {
      List<String> people = new ArrayList<>(stage.approvers());
      String note = "";
      if (stage.requesterManager()) {
        if (user.manager() == null || user.manager().isBlank()) {
          note = request.requester() + " has no manager in the IdP";
        } else {
          people.add(user.manager());
        }
      }
      people.removeIf(this::isRequester);
      int needed = stage.allOf() ? distinct(people).size() : stage.required();
      if (distinct(people).size() < needed || people.isEmpty()) {
        for (String fallback : stage.escalateTo()) {
          if (!isRequester(fallback)) {
            people.add(fallback);
          }
        }
        needed = Math.max(1, Math.min(needed, distinct(people).size()));
      }
      if (distinct(people).size() < needed || people.isEmpty()) {
        return "stage '" + stage.name() + "' has nobody who may approve it ("
            + (note.isEmpty() ? "" : note + "; ")
            + "the requester cannot approve their own request, and the stage names no escalateTo people)";
      }
      resolved.add(stage.withApprovers(distinct(people), needed));
    }
    route.clear();
    route.addAll(resolved);
    return null;
  }

  /** Runs the route stage by stage; true once approved (by people or a rule), false when it ended without a grant. */
  private boolean approveByPolicy() {
    String rule = status == SUBMITTED && decisions.isEmpty()
        ? route.isEmpty() ? "no approval required for risk tier " + request.riskTier()
            : request.policy().autoApprovalRule(user.department())
        : null;
    if (rule != null) {
      decisions.add(new RecordedDecision("policy", "accessflow", Verdict.APPROVE, Channel.SYSTEM, rule, now(), "policy"));
      stageIndex = route.size();
      transition(APPROVED);
      audit(AuditKind.AUTO_APPROVED, "Approved automatically by policy: " + rule + ".");
      return true;
    }
    if (status == SUBMITTED) {
      transition(PENDING_APPROVAL);
    }
    while (status == PENDING_APPROVAL) {
      int stage = stageIndex;
      String stuck = startStage(stage);
      if (stuck != null) {
        fail(stuck);
        return false;
      }
      if (!awaitStage(stage)) {
        return false;
      }
    }
    if (status == DENIED) {
      announceDenial();
      return false;
    }
    audit(AuditKind.APPROVED, "All approval stages complete: " + describeApprovals() + ".");
    return true;
  }

  /**
   * Puts a stage to its approvers. One person gives one approval per request, so people who already
   * approved an earlier stage do not count here; when too few remain the stage escalates at once.
   * Returns why the stage can never complete, or null.
   */
  private String startStage(int index) {
    ApprovalStage stage = route.get(index);
    if (eligible(stage).size() < stillNeeded(stage)) {
      escalate(index, "its remaining approvers already approved an earlier stage, and one person gives one approval");
      stage = route.get(index);
      if (eligible(stage).size() < stillNeeded(stage)) {
        return "stage '" + stage.name() + "' cannot be completed: " + String.join(", ", stage.approvers())
            + " already approved an earlier stage, and one person cannot approve two stages";
      }
    }
    askStage(index, eligible(stage));
    return null;
  }

  /** Waits out one stage: reminders, then escalation, then expiry, each timed from when the stage started. */
  private boolean awaitStage(int index) {
    StageTimings timings = route.get(index).timings();
    Instant started = now();
    Duration expireAfter = timings.expireAfter() != null ? timings.expireAfter() : request.approvalTimeout();
    Instant expiry = started.plus(expireAfter);
    boolean escalates = timings.escalateAfter() != null && timings.escalateAfter().compareTo(expireAfter) < 0
        && !route.get(index).escalateTo().isEmpty();
    Instant escalation = escalates ? started.plus(timings.escalateAfter()) : expiry;
    if (timings.remindAfter() != null) {
      for (Instant at = started.plus(timings.remindAfter()); at.isBefore(escalation); at = at.plus(timings.remindAfter())) {
        if (stageMovedBy(at, index)) {
          return status != APPROVAL_TIMED_OUT;
        }
        remind(index, started);
      }
    }
    if (escalates) {
      if (stageMovedBy(escalation, index)) {
        return true;
      }
      escalate(index, "nobody decided within " + timings.escalateAfter());
    }
    if (stageMovedBy(expiry, index)) {
      return true;
    }
    transition(APPROVAL_TIMED_OUT);
    String text = "Stage '" + route.get(index).name() + "' got no decision within " + expireAfter
        + "; the request expired. Nothing was granted.";
    audit(AuditKind.APPROVAL_TIMED_OUT, text);
    tellEveryone(AuditKind.APPROVAL_TIMED_OUT, text);
    return false;
  }

  /** Sleeps until {@code at} unless the stage completes, or the request is decided, first. */
  private boolean stageMovedBy(Instant at, int index) {
    Duration left = Duration.between(now(), at);
    if (left.isNegative() || left.isZero()) {
      return stageIndex != index || status != PENDING_APPROVAL;
    }
    return Workflow.await(left, () -> stageIndex != index || status != PENDING_APPROVAL);
  }

  private void remind(int index, Instant started) {
    ApprovalStage stage = route.get(index);
    List<String> waitingOn = eligible(stage);
    List<ChatMessageRef> messages = stageMessages.getOrDefault(index, List.of()).stream()
        .filter(m -> waitingOn.stream().anyMatch(w -> w.equalsIgnoreCase(m.recipient())))
        .toList();
    String text = "Reminder: request " + request.requestId() + " (" + request.requester() + ", " + request.app() + " / "
        + request.role() + ") has waited for stage '" + stage.name() + "' since " + started + ". Waiting on "
        + String.join(", ", waitingOn) + ".";
    audit(AuditKind.REMINDER, text);
    RequesterNotice notice = new RequesterNotice(request.requestId(), request.requester(), AuditKind.REMINDER, text);
    if (!messages.isEmpty()) {
      chatOutbox.post(() -> chat.remindApprovers(messages, notice));
    }
  }

  /** Adds the stage's escalateTo people as approvers, asks them, and says so in the security channel. */
  private void escalate(int index, String why) {
    ApprovalStage stage = route.get(index);
    List<String> added = new ArrayList<>();
    for (String person : stage.escalateTo()) {
      if (!isRequester(person) && !stage.allows(person)) {
        added.add(person);
      }
    }
    if (added.isEmpty()) {
      return;
    }
    List<String> people = new ArrayList<>(stage.approvers());
    people.addAll(added);
    route.set(index, stage.withApprovers(people, stage.required()));
    String text = "Stage '" + stage.name() + "' of request " + request.requestId() + " escalated to "
        + String.join(", ", added) + ": " + why + ".";
    audit(AuditKind.ESCALATED, text);
    RequesterNotice notice = new RequesterNotice(request.requestId(), request.requester(), AuditKind.ESCALATED, text);
    chatOutbox.post(() -> chat.announce(notice));
    chatOutbox.post(() -> chat.notifyRequester(notice));
    if (askedStage == index) {
      List<String> ask = added.stream().filter(a -> eligible(route.get(index)).contains(a)).toList();
      ApprovalStage escalated = route.get(index);
      chatOutbox.post(() -> recordMessages(index, chat.askApprovers(new ApprovalPrompt(request, escalated, ask, ticketKey))));
    }
  }

  /** People of the stage who may still approve it: not the requester, not anyone who already decided. */
  private List<String> eligible(ApprovalStage stage) {
    return stage.approvers().stream()
        .filter(a -> !isRequester(a))
        .filter(a -> round().stream().noneMatch(d -> d.actor().equalsIgnoreCase(a)))
        .toList();
  }

  private boolean awaitingManager() {
    return !status.isClosed() && stageIndex < route.size() && route.get(stageIndex).requesterManager();
  }

  private List<RecordedDecision> round() {
    return decisions.subList(roundStart, decisions.size());
  }

  private long stillNeeded(ApprovalStage stage) {
    return stage.required() - round().stream()
        .filter(d -> d.stage().equals(stage.name()) && d.verdict() == Verdict.APPROVE)
        .count();
  }

  private void askStage(int index, List<String> approvers) {
    if (index <= askedStage || index >= route.size()) {
      return;
    }
    askedStage = index;
    ApprovalStage stage = route.get(index);
    chatOutbox.post(() -> recordMessages(index, chat.askApprovers(new ApprovalPrompt(request, stage, approvers, ticketKey))));
  }

  private void recordMessages(int index, List<ChatMessageRef> messages) {
    approverMessages.addAll(messages);
    stageMessages.computeIfAbsent(index, i -> new ArrayList<>()).addAll(messages);
  }

  /**
   * Emergency access: granted at once for the short time the catalog allows, the security channel told
   * immediately, and the route turned into an after-the-fact review that keeps the request open (and
   * visible in state) until it is complete, even after the access is gone.
   */
  private AccessRequestState breakGlass() {
    // reviewPending was set at start; an early reviewer may already have settled it.
    transition(APPROVED);
    String text = "Break-glass: " + request.requester() + " took emergency access to " + request.app() + " / "
        + request.role() + " for " + request.duration() + " without prior approval. Reason: " + request.reason()
        + ". Review after the fact by: " + describeRoute() + ".";
    audit(AuditKind.BREAK_GLASS, text);
    RequesterNotice notice = new RequesterNotice(request.requestId(), request.requester(), AuditKind.BREAK_GLASS, text);
    chatOutbox.post(() -> chat.announce(notice));
    if (reviewPending) {
      askStage(0, eligible(route.get(0)));
    }
    if (provision()) {
      holdUntilExpiryOrRevocation();
      removeAccess();
    } else {
      reviewPending = false; // nothing was granted, so there is nothing to review
    }
    StageTimings timings = request.policy().reviewTimings();
    Instant started = now();
    while (reviewPending) {
      if (timings.remindAfter() == null) {
        Workflow.await(() -> !reviewPending);
      } else if (!Workflow.await(timings.remindAfter(), () -> !reviewPending)) {
        remind(stageIndex, started);
      }
    }
    return finish();
  }

  private void decideReview(Decision decision, ApprovalStage stage) {
    if (decision.verdict() == Verdict.DENY) {
      reviewPending = false;
      audit(AuditKind.BREAK_GLASS_REVIEWED, "Break-glass review: " + decision.actor() + " rejected the emergency access"
          + (decision.comment() == null ? "" : ": " + decision.comment()) + "."
          + (status.holdsAccess() || status == APPROVED ? " The access is removed now." : ""));
      if (revocation == null && !status.isClosed()) {
        revocation = new Revocation(decision.eventId(), decision.actor(), decision.channel(),
            "break-glass review rejected it" + (decision.comment() == null ? "" : ": " + decision.comment()));
        revocationRequestedAt = now();
      }
      return;
    }
    if (stillNeeded(stage) > 0) {
      return;
    }
    if (++stageIndex < route.size()) {
      askStage(stageIndex, eligible(route.get(stageIndex)));
      return;
    }
    reviewPending = false;
    audit(AuditKind.BREAK_GLASS_REVIEWED, "Break-glass review complete: " + describeApprovals() + ".");
  }

  private static List<String> distinct(List<String> logins) {
    List<String> out = new ArrayList<>();
    for (String login : logins) {
      if (out.stream().noneMatch(l -> l.equalsIgnoreCase(login))) {
        out.add(login);
      }
    }
    return out;
  }

  // ---- provisioning and expiry ----

  private boolean provision() {
    transition(PROVISIONING);
    sharedMemberships = Workflow.getVersion(SHARED_MEMBERSHIPS, Workflow.DEFAULT_VERSION, 1) == 1;
    List<String> failures = new ArrayList<>();
    List<Promise<String>> adds = new ArrayList<>();
    for (String group : request.groups()) {
      adds.add(sharedMemberships
          ? Async.function(leases::acquire, membership(group))
          : Async.procedure(idp::addMember, membership(group)).thenApply(done -> MembershipOutcome.ADDED));
    }
    List<String> standing = new ArrayList<>();
    for (int i = 0; i < adds.size(); i++) {
      try {
        if (MembershipOutcome.standing(adds.get(i).get())) {
          standing.add(request.groupLabel(request.groups().get(i)));
        }
      } catch (ActivityFailure failure) {
        failures.add("group " + request.groupLabel(request.groups().get(i)) + ": " + Failures.describe(failure));
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
        + request.groupLabels() + " at " + grantedAt + "."
        + (standing.isEmpty() ? "" : " " + request.requester() + " was already a member of " + String.join(", ", standing)
            + " before this grant (standing access): accessflow leaves that membership in place when the grant ends."));
    audit(AuditKind.EXPIRY_SCHEDULED, "Access expires at " + expiresAt + " (" + request.duration() + ").");
    tellEveryone(AuditKind.PROVISIONED, "Access to " + request.app() + " / " + request.role() + " is active until " + expiresAt + ".");
    return true;
  }

  private void holdUntilExpiryOrRevocation() {
    Duration lead = approvalPolicy ? request.policy().expiringSoonLead() : null;
    Instant warnedFor = null;
    while (revocation == null) {
      Duration left = Duration.between(now(), expiresAt);
      if (left.isNegative() || left.isZero()) {
        return;
      }
      Instant scheduled = expiresAt;
      // Version 1: tell the requester once per expiry, lead before it, so they can ask to extend;
      // grants no longer than the lead get no warning.
      boolean warn = lead != null && !scheduled.equals(warnedFor) && Duration.between(grantedAt, scheduled).compareTo(lead) > 0;
      if (warn && left.compareTo(lead) > 0) {
        if (!Workflow.await(left.minus(lead), () -> revocation != null || !expiresAt.equals(scheduled))) {
          warnExpiringSoon(scheduled);
          warnedFor = scheduled;
        }
      } else if (warn) {
        warnExpiringSoon(scheduled);
        warnedFor = scheduled;
      } else {
        Workflow.await(left, () -> revocation != null || !expiresAt.equals(scheduled));
      }
    }
  }

  private void warnExpiringSoon(Instant at) {
    String text = "Access to " + request.app() + " / " + request.role() + " ends at " + at + "."
        + " Ask to extend it if you still need it" + (request.policy().selfExtend() ? " (you may extend it yourself)" : "") + ".";
    audit(AuditKind.EXPIRING_SOON, text);
    notifyRequester(AuditKind.EXPIRING_SOON, text);
  }

  private void removeAccess() {
    boolean early = revocation != null;
    Instant due = early ? revocationRequestedAt : expiresAt;
    if (pendingExtension != null) {
      audit(AuditKind.DECISION, "The extension to " + pendingExtension.newDuration() + " lapsed: the grant ended before it was approved.");
      pendingExtension = null;
      stageIndex = route.size();
    }
    transition(REVOKING);
    Promise<Map<String, String>> removed = Async.function(this::removeFromAllGroups);
    if (!Workflow.await(OVERDUE_AFTER, removed::isCompleted)) {
      revocationOverdueSince = due;
      audit(AuditKind.REVOCATION_OVERDUE, "Removal due at " + due + " has not succeeded yet ("
          + (lastError == null ? "the IdP has not confirmed it" : lastError) + "). accessflow keeps retrying until it does.");
    }
    Map<String, String> outcomes = removed.get();
    revokedAt = now();
    revocationLag = Duration.between(due, revokedAt);
    revocationOverdueSince = null;
    transition(early ? REVOKED : EXPIRED);
    String why = early
        ? "Revoked early by " + revocation.actor() + " via " + revocation.channel()
            + (revocation.reason() == null ? "" : ": " + revocation.reason()) + "."
        : "Expired.";
    audit(AuditKind.REVOKED, why + " " + RemovalText.of(request, outcomes, revokedAt, revocationLag, REVOCATION_TARGET,
        early ? "it was revoked" : "the grant ended", due));
    tellEveryone(AuditKind.REVOKED, why + " Access to " + request.app() + " / " + request.role() + " has been removed.");
  }

  /**
   * Removes the user from every group of the role, retrying each until the IdP confirms.
   *
   * @return per group, the lease's answer (a {@link MembershipOutcome}), in the role's group order
   */
  private Map<String, String> removeFromAllGroups() {
    List<Promise<String>> removals = new ArrayList<>();
    for (String group : request.groups()) {
      removals.add(Async.function(this::removeUntilGone, membership(group)));
    }
    Promise.allOf(removals).get();
    Map<String, String> outcomes = new LinkedHashMap<>();
    for (int i = 0; i < removals.size(); i++) {
      outcomes.put(request.groups().get(i), removals.get(i).get());
    }
    return outcomes;
  }

  private String removeUntilGone(Membership membership) {
    int failures = 0;
    while (true) {
      try {
        if (sharedMemberships) {
          return leaseRelease.release(membership);
        }
        String gone = idpRevoke.removeMember(membership);
        return gone == null ? MembershipOutcome.REMOVED : MembershipOutcome.alreadyGone(gone);
      } catch (ActivityFailure failure) {
        lastError = "removing from group " + request.groupLabel(membership.groupId()) + ": " + Failures.describe(failure);
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
    if (appliedEvents.applied(AppliedEvents.Kind.DECIDE, decision.eventId())) {
      return; // a redelivery: the handler answers with the first outcome
    }
    // The route is known from the start, so decisions are taken from submission on; a break-glass
    // review takes them while the emergency access runs and after it ended.
    boolean reviewing = reviewPending && stageIndex < route.size();
    boolean extending = pendingExtension != null && status == ACTIVE && stageIndex < route.size();
    if (!reviewing && !extending && status != PENDING_APPROVAL && status != SUBMITTED) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, notPendingReason());
    }
    if (isRequester(decision.actor())) {
      throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, decision.actor() + " requested this access and cannot approve or deny it");
    }
    if (stageIndex >= route.size()) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + request.requestId() + " has no approval stage waiting");
    }
    ApprovalStage stage = route.get(stageIndex);
    if (stage.requesterManager()) {
      return; // the manager is known once the IdP answered: decide() waits for that, then checks again
    }
    if (!stage.allows(decision.actor())) {
      throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, decision.actor() + " is not an approver of stage '" + stage.name()
          + "' of request " + request.requestId() + " (approvers: " + String.join(", ", stage.approvers()) + ")");
    }
    for (RecordedDecision earlier : round()) {
      if (earlier.actor().equalsIgnoreCase(decision.actor())) {
        throw refused(AccessflowTemporal.REFUSED_NOT_ALLOWED, decision.actor() + " already approved this request at stage '"
            + earlier.stage() + "'; one person cannot give two approvals");
      }
    }
  }

  @Override
  public UpdateOutcome decide(Decision decision) {
    UpdateOutcome previous = appliedEvents.previous(AppliedEvents.Kind.DECIDE, decision.eventId());
    if (previous != null) {
      return previous;
    }
    if (awaitingManager()) {
      // Arrived before the route was resolved against the IdP: wait for it, then check as the validator would.
      Workflow.await(() -> !awaitingManager());
      previous = appliedEvents.previous(AppliedEvents.Kind.DECIDE, decision.eventId());
      if (previous != null) {
        return previous;
      }
      validateDecide(decision);
    }
    ApprovalStage stage = route.get(stageIndex);
    decisions.add(new RecordedDecision(decision.eventId(), decision.actor(), decision.verdict(), decision.channel(),
        decision.comment(), now(), stage.name()));
    UpdateOutcome outcome;
    if (pendingExtension != null) {
      outcome = decideExtension(decision, stage);
    } else if (reviewPending) {
      if (decision.verdict() == Verdict.APPROVE) {
        audit(AuditKind.DECISION, "Break-glass review approved by " + decision.actor() + " via " + decision.channel()
            + " at stage '" + stage.name() + "'" + (decision.comment() == null ? "" : ": " + decision.comment()) + ".");
      }
      decideReview(decision, stage);
      outcome = new UpdateOutcome(status, reviewPending ? "review recorded; the review is not complete yet"
          : decision.verdict() == Verdict.DENY ? "break-glass rejected by " + decision.actor() : "break-glass review complete");
    } else if (decision.verdict() == Verdict.DENY) {
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
      } else if (++stageIndex < route.size()) {
        if (!approvalPolicy) {
          askCurrentStage(); // version 1 asks from the main loop, after its separation-of-duties check
        }
        outcome = new UpdateOutcome(PENDING_APPROVAL, "stage '" + stage.name() + "' complete; waiting for stage '"
            + route.get(stageIndex).name() + "'");
      } else {
        transition(APPROVED);
        outcome = new UpdateOutcome(APPROVED, "approved by " + decision.actor());
      }
    }
    appliedEvents.put(AppliedEvents.Kind.DECIDE, decision.eventId(), outcome);
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
    if (appliedEvents.applied(AppliedEvents.Kind.EXTEND, extension.eventId())) {
      return;
    }
    if (status != ACTIVE) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "request " + request.requestId() + " is " + status + "; only an ACTIVE grant can be extended");
    }
    // Low tiers may let the requester extend their own grant, always within the role's maximum.
    boolean selfService = (route.isEmpty() || request.policy().selfExtend()) && isRequester(extension.actor());
    boolean viaRoute = viaRoute(extension);
    if (viaRoute && pendingExtension != null) {
      throw refused(AccessflowTemporal.REFUSED_CONFLICT, "an extension to " + pendingExtension.newDuration()
          + " is already waiting for approval on request " + request.requestId());
    }
    if (!selfService && !viaRoute && (isRequester(extension.actor()) || !isRouteApprover(extension.actor()))) {
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
    UpdateOutcome previous = appliedEvents.previous(AppliedEvents.Kind.EXTEND, extension.eventId());
    if (previous != null) {
      return previous;
    }
    UpdateOutcome outcome;
    if (viaRoute(extension)) {
      // The requester's extension goes through the route again, as a new round of decisions.
      pendingExtension = extension;
      roundStart = decisions.size();
      stageIndex = 0;
      askedStage = -1;
      audit(AuditKind.EXTENSION_REQUESTED, extension.actor() + " asked to extend the grant to " + extension.newDuration()
          + " (until " + grantedAt.plus(extension.newDuration()) + ")" + (extension.comment() == null ? "" : ": " + extension.comment())
          + ". Route: " + describeRoute() + ".");
      askStage(0, eligible(route.get(0)));
      outcome = new UpdateOutcome(ACTIVE, "extension to " + extension.newDuration() + " waits for approval: "
          + describeStage(route.get(0)));
    } else {
      if (pendingExtension != null) {
        pendingExtension = null; // an approver's own extension settles the requester's pending one
        stageIndex = route.size();
      }
      applyExtension(extension, "by " + extension.actor() + " via " + extension.channel()
          + (extension.comment() == null ? "" : ": " + extension.comment()));
      outcome = new UpdateOutcome(ACTIVE, "expires at " + expiresAt);
    }
    appliedEvents.put(AppliedEvents.Kind.EXTEND, extension.eventId(), outcome);
    return outcome;
  }

  /** Version 1: the requester asks, and the route decides (unless the tier lets them extend themselves). */
  private boolean viaRoute(Extension extension) {
    return approvalPolicy && isRequester(extension.actor()) && !route.isEmpty() && !request.policy().selfExtend()
        && !request.policy().breakGlass();
  }

  private void applyExtension(Extension extension, String how) {
    Instant before = expiresAt;
    expiresAt = grantedAt.plus(extension.newDuration());
    transition(ACTIVE);
    String text = "Expiry moved from " + before + " to " + expiresAt + " " + how + ".";
    audit(AuditKind.EXTENDED, text);
    notifyRequester(AuditKind.EXTENDED, text);
  }

  private UpdateOutcome decideExtension(Decision decision, ApprovalStage stage) {
    Extension asked = pendingExtension;
    String comment = decision.comment() == null ? "" : ": " + decision.comment();
    if (decision.verdict() == Verdict.DENY) {
      pendingExtension = null;
      stageIndex = route.size();
      String text = "Extension to " + asked.newDuration() + " denied by " + decision.actor() + " via " + decision.channel()
          + comment + ". Access still ends at " + expiresAt + ".";
      audit(AuditKind.DECISION, text);
      notifyRequester(AuditKind.DECISION, text);
      return new UpdateOutcome(ACTIVE, "extension denied by " + decision.actor());
    }
    audit(AuditKind.DECISION, "Extension approved by " + decision.actor() + " via " + decision.channel() + " at stage '"
        + stage.name() + "'" + comment + ".");
    if (stillNeeded(stage) > 0) {
      return new UpdateOutcome(ACTIVE, "extension approval recorded for stage '" + stage.name() + "'");
    }
    if (++stageIndex < route.size()) {
      askStage(stageIndex, eligible(route.get(stageIndex)));
      return new UpdateOutcome(ACTIVE, "stage '" + stage.name() + "' complete; the extension waits for stage '"
          + route.get(stageIndex).name() + "'");
    }
    pendingExtension = null;
    if (!grantedAt.plus(asked.newDuration()).isAfter(now())) {
      return new UpdateOutcome(ACTIVE, "approved too late: the extension to " + asked.newDuration() + " would end in the past");
    }
    applyExtension(asked, "as asked by " + asked.actor() + ", approved through the route");
    return new UpdateOutcome(ACTIVE, "expires at " + expiresAt);
  }

  @Override
  public void validateRevoke(Revocation revocation) {
    require(revocation != null, "a revocation is required");
    requireText(revocation.eventId(), "eventId");
    requireText(revocation.actor(), "actor");
    require(revocation.channel() != null, "channel is required");
    if (appliedEvents.applied(AppliedEvents.Kind.REVOKE, revocation.eventId())) {
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
    UpdateOutcome previous = appliedEvents.previous(AppliedEvents.Kind.REVOKE, revocation.eventId());
    if (previous != null) {
      return previous;
    }
    this.revocation = revocation;
    revocationRequestedAt = now();
    UpdateOutcome outcome = new UpdateOutcome(REVOKING, "revocation started; the membership is being removed");
    appliedEvents.put(AppliedEvents.Kind.REVOKE, revocation.eventId(), outcome);
    return outcome;
  }

  @Override
  public AccessRequestState state() {
    return new AccessRequestState(request, status, submittedAt, stageIndex, List.copyOf(decisions),
        user == null ? null : user.id(), grantedAt, expiresAt, revokedAt, revocationOverdueSince, revocationLag,
        ticketKey, List.copyOf(approverMessages), lastError, ticketOutbox.backlog(), List.copyOf(route), reviewPending);
  }

  // ---- side effects: ticket, chat, search attributes ----

  private void askCurrentStage() {
    if (stageIndex <= askedStage || stageIndex >= route.size() || status != PENDING_APPROVAL && status != SUBMITTED) {
      return; // already asked, or decided before the ask went out
    }
    askedStage = stageIndex;
    ApprovalStage stage = route.get(stageIndex);
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
        + (next == PENDING_APPROVAL && stageIndex < route.size() ? " - waiting for " + describeStage(route.get(stageIndex)) : ""));
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
    return route.stream().anyMatch(stage -> stage.allows(login));
  }

  private String describeRoute() {
    if (route.isEmpty()) {
      return "no approval required";
    }
    return String.join(" then ", route.stream().map(AccessRequestWorkflowImpl::describeStage).toList());
  }

  private static String describeStage(ApprovalStage stage) {
    if (stage.requesterManager()) {
      return "'" + stage.name() + "' (" + stage.rule() + " the requester's manager"
          + (stage.approvers().isEmpty() ? "" : ", " + String.join(", ", stage.approvers())) + ")";
    }
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
