package dev.accessflow.workflows;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.inventory.InventoryWorkflowImpl;
import dev.accessflow.workflows.membership.GroupMembershipWorkflowImpl;
import dev.accessflow.workflows.membership.MembershipRemovalWorkflowImpl;
import dev.accessflow.workflows.request.AccessRequestWorkflowImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.Priority;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.RequestStatus;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The one place for accessflow's Temporal names and options: workflow ids, task queue, search
 * attributes, failure types and activity options. Everything here is wire API.
 */
public final class AccessflowTemporal {
  /** getVersion change id: requests from this version on write the ledger (older histories replay without it). */
  public static final String VERSION_LEDGER = "ledger";

  private AccessflowTemporal() {}

  public static final String DEFAULT_TASK_QUEUE = "accessflow";
  public static final String WORKFLOW_TYPE = "AccessRequest";
  public static final String WORKFLOW_ID_PREFIX = "access-request-";
  public static final String MEMBERSHIP_WORKFLOW_TYPE = "GroupMembership";
  public static final String REMOVAL_WORKFLOW_TYPE = "MembershipRemoval";
  public static final String INVENTORY_WORKFLOW_TYPE = "Inventory";
  /** The one inventory workflow of a namespace and task queue. */
  public static final String INVENTORY_WORKFLOW_ID = "accessflow-inventory";
  public static final String SIGNAL_SYNC_NOW = "syncNow";
  public static final String SIGNAL_MEMBERSHIP_CHANGED = "membershipChanged";
  public static final String SIGNAL_MEMBERSHIPS_CHANGED = "membershipsChanged";
  public static final String SIGNAL_SWEEP_DRIFT = "sweepDrift";
  public static final String REVIEW_WORKFLOW_TYPE = "AccessReview";
  public static final String REVIEW_WORKFLOW_ID_PREFIX = "access-review-";
  public static final String SIGNAL_REVIEW_DECIDED = "reviewDecided";
  public static final String REVIEW_SCHEDULE_WORKFLOW_TYPE = "AccessReviewSchedule";
  /** The one workflow that starts the catalog's recurring reviews. */
  public static final String REVIEW_SCHEDULE_WORKFLOW_ID = "accessflow-review-schedule";
  public static final String SIGNAL_REVIEW_SCHEDULE_CHANGED = "recheck";

  public static final String RECLAIM_WORKFLOW_TYPE = "AccessReclaim";
  public static final String RECLAIM_WORKFLOW_ID_PREFIX = "access-reclaim-";
  public static final String SIGNAL_RECLAIM_NUDGED = "reclaimNudged";

  /** The workflow of one reclaim run (its business id is the run id, e.g. grafana-20261203T120000). */
  public static String reclaimWorkflowId(String runId) {
    return RECLAIM_WORKFLOW_ID_PREFIX + runId;
  }

  /** The workflow of one access review campaign (its business id is the review id). */
  public static String reviewWorkflowId(String reviewId) {
    return REVIEW_WORKFLOW_ID_PREFIX + reviewId;
  }

  /** Update and query names. */
  public static final String UPDATE_DECIDE = "decide";
  public static final String UPDATE_EXTEND = "extend";
  public static final String UPDATE_REVOKE = "revoke";
  public static final String QUERY_STATE = "state";
  public static final String SIGNAL_REMOVAL_FAILING = "removalFailing";

  public static final SearchAttributeKey<String> REQUESTER = SearchAttributeKey.forKeyword("AccessRequester");
  public static final SearchAttributeKey<String> APP = SearchAttributeKey.forKeyword("AccessApp");
  public static final SearchAttributeKey<String> ROLE = SearchAttributeKey.forKeyword("AccessRole");
  public static final SearchAttributeKey<String> STATUS = SearchAttributeKey.forKeyword("AccessStatus");
  public static final SearchAttributeKey<OffsetDateTime> EXPIRES_AT =
      SearchAttributeKey.forOffsetDateTime("AccessExpiresAt");
  /** How the grant was approved: {@link #APPROVED_BY_PEOPLE}, {@link #APPROVED_BY_POLICY} or {@link #BREAK_GLASS}. */
  public static final SearchAttributeKey<String> APPROVED_BY = SearchAttributeKey.forKeyword("AccessApprovedBy");
  public static final String APPROVED_BY_PEOPLE = "people";
  public static final String APPROVED_BY_POLICY = "policy";
  public static final String BREAK_GLASS = "break-glass";

  /** The request's Jira issue, once it has one. */
  public static final SearchAttributeKey<String> TICKET_KEY = SearchAttributeKey.forKeyword("AccessTicketKey");
  /** Everyone the request's route names as an approver (what waits on me: this = me and PENDING_APPROVAL). */
  public static final SearchAttributeKey<List<String>> APPROVERS = SearchAttributeKey.forKeywordList("AccessApprovers");
  /** True while the removal is overdue (past its expiry or revoke and not confirmed by the IdP). */
  public static final SearchAttributeKey<Boolean> REMOVAL_OVERDUE = SearchAttributeKey.forBoolean("AccessRemovalOverdue");
  /** Break-glass access only: {@link #BREAK_GLASS_AWAITING_REVIEW}, then kept or rejected (or unreviewed). */
  public static final SearchAttributeKey<String> BREAK_GLASS_REVIEW = SearchAttributeKey.forKeyword("AccessBreakGlass");
  public static final String BREAK_GLASS_AWAITING_REVIEW = "awaiting-review";

  /** Every custom search attribute, for registration on a namespace. */
  public static final List<SearchAttributeKey<?>> SEARCH_ATTRIBUTES =
      List.of(REQUESTER, APP, ROLE, STATUS, EXPIRES_AT, APPROVED_BY, TICKET_KEY, APPROVERS, REMOVAL_OVERDUE,
          BREAK_GLASS_REVIEW);

  /** Failure types: an activity throws these as non-retryable ApplicationFailures. */
  /** The search attributes a request's workflow starts with (the workflow upserts only what changes after). */
  public static SearchAttributes startAttributes(AccessRequest request) {
    SearchAttributes.Builder attributes = SearchAttributes.newBuilder()
        .set(REQUESTER, request.requester())
        .set(APP, request.app())
        .set(ROLE, request.role())
        .set(STATUS, RequestStatus.SUBMITTED.name())
        // Also tells the workflow it keeps the operator's attributes (see AccessRequestWorkflowImpl).
        .set(REMOVAL_OVERDUE, false);
    List<String> approvers = request.route() == null ? List.of() : request.route().stream()
        .flatMap(stage -> stage.approvers().stream()).map(a -> a.toLowerCase(java.util.Locale.ROOT)).distinct()
        .limit(100).toList();
    if (!approvers.isEmpty()) {
      attributes.set(APPROVERS, approvers);
    }
    if (request.ticketKey() != null && !request.ticketKey().isBlank()) {
      attributes.set(TICKET_KEY, request.ticketKey());
    }
    if (request.policy() != null && request.policy().breakGlass()) {
      attributes.set(BREAK_GLASS_REVIEW, approvers.isEmpty() ? "unreviewed" : BREAK_GLASS_AWAITING_REVIEW);
    }
    return attributes.build();
  }

  public static final String UNKNOWN_USER = "UnknownUser";
  public static final String IDP_REJECTED = "IdpRejected";
  public static final String UNKNOWN_GROUP = "UnknownGroup";
  /** A drift removal refused because a request holds the membership (the grant wins; looked at again later). */
  public static final String MEMBERSHIP_HELD = "MembershipHeld";
  /** Retryable: the IdP did not answer, or answered 5xx. */
  public static final String IDP_UNAVAILABLE = "IdpUnavailable";
  /** Retryable: the IdP rate-limited the call; the failure carries the delay it asked for. */
  public static final String IDP_RATE_LIMITED = "IdpRateLimited";

  /** Why an update was refused by its validator (the ApplicationFailure type the caller sees). */
  public static final String REFUSED_NOT_ALLOWED = "NotAllowed";
  public static final String REFUSED_CONFLICT = "Conflict";
  public static final String REFUSED_INVALID = "Invalid";

  /**
   * The SDK re-wraps whatever an update validator throws (the failure type is lost on the way to
   * the client), so the refusal kind travels as a prefix of the message: "NotAllowed: reason".
   */
  public static String refusalMessage(String kind, String reason) {
    return kind + ": " + reason;
  }

  /** Splits a refusal message into {kind, reason}; kind is REFUSED_INVALID when it carries none. */
  public static String[] parseRefusal(String message) {
    for (String kind : List.of(REFUSED_NOT_ALLOWED, REFUSED_CONFLICT, REFUSED_INVALID)) {
      if (message != null && message.startsWith(kind + ": ")) {
        return new String[] {kind, message.substring(kind.length() + 2)};
      }
    }
    return new String[] {REFUSED_INVALID, message};
  }

  private static final String[] NON_RETRYABLE = {UNKNOWN_USER, IDP_REJECTED, UNKNOWN_GROUP};

  public static String workflowId(String requestId) {
    return WORKFLOW_ID_PREFIX + requestId;
  }

  /** The shared membership of one person in one IdP group. */
  public static String membershipWorkflowId(String groupId, String login) {
    return "group-membership-" + groupId + "-" + login.toLowerCase();
  }

  /** The child that removes a request's memberships; purpose is "end" or "rollback". */
  public static String removalWorkflowId(String requestId, String purpose) {
    return "membership-removal-" + requestId + "-" + purpose;
  }

  /**
   * Task priority of revocation: the removal workflows, the lease releases and the IdP removals.
   * Temporal serves a lower key first (3 is its default); after an IdP outage the due removals,
   * the grants and the notices all resume at once, and taking access away goes first.
   */
  public static final Priority REVOCATION_PRIORITY = Priority.newBuilder().setPriorityKey(1).build();
  /**
   * Task priority of the membership workflows: a removal waits on their tasks, and so does a grant,
   * so they go ahead of the request workflows (default priority) and behind revocation's own tasks.
   */
  public static final Priority MEMBERSHIP_PRIORITY = Priority.newBuilder().setPriorityKey(2).build();
  /**
   * Task priority of the ledger's retry lane, behind everything else (3 is the default): when the
   * database comes back, every request that lived through the outage catches up at once, and that
   * must not hold up a removal, a grant or a decision.
   */
  public static final Priority LEDGER_CATCH_UP_PRIORITY = Priority.newBuilder().setPriorityKey(4).build();

  /**
   * Task priority of the inventory (listing groups, applying event hooks, acting on drift), behind
   * everything a person waits on: a sync of thousands of members must never delay a grant or a removal.
   */
  public static final Priority INVENTORY_PRIORITY = Priority.newBuilder().setPriorityKey(5).build();

  /**
   * The inventory's IdP and ledger work: retried until it goes through (a 429 waits for Okta's
   * window, an outage for the IdP), so an interrupted sync resumes at the page it stopped on.
   */
  public static ActivityOptions inventoryOptions() {
    // The notices' retry (1 s doubling to 1 min, forever), a longer call (a page is one IdP call and one
    // transaction), and the lowest priority.
    return ActivityOptions.newBuilder(notificationOptions())
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setPriority(INVENTORY_PRIORITY)
        .build();
  }

  /**
   * An access review's ledger, chat, ticket and IdP work: retried until it goes through (a
   * revocation waits on the person's membership workflow, so a call may take a while).
   */
  public static ActivityOptions reviewOptions() {
    return ActivityOptions.newBuilder(notificationOptions()).setStartToCloseTimeout(Duration.ofMinutes(3)).build();
  }

  /**
   * A reclaim run's ledger, log, chat, ticket and IdP work: retried until it goes through (a 429
   * waits for the IdP's window; a removal waits on the person's membership workflow), at the
   * inventory's priority: a scan of thousands of memberships never delays a grant or a removal.
   */
  public static ActivityOptions reclaimOptions() {
    return ActivityOptions.newBuilder(notificationOptions()).setStartToCloseTimeout(Duration.ofMinutes(3))
        .setPriority(INVENTORY_PRIORITY).build();
  }

  /** Every workflow implementation a worker of accessflow's task queue runs. */
  public static Class<?>[] workflowImplementations() {
    return new Class<?>[] {AccessRequestWorkflowImpl.class, GroupMembershipWorkflowImpl.class,
        MembershipRemovalWorkflowImpl.class, InventoryWorkflowImpl.class,
        dev.accessflow.workflows.review.ReviewCampaignWorkflowImpl.class,
        dev.accessflow.workflows.review.ReviewScheduleWorkflowImpl.class,
        dev.accessflow.workflows.reclaim.ReclaimRunWorkflowImpl.class};
  }

  /** The request id of a workflow id, or null when the id is not an access request's. */
  public static String requestId(String workflowId) {
    return workflowId.startsWith(WORKFLOW_ID_PREFIX) ? workflowId.substring(WORKFLOW_ID_PREFIX.length()) : null;
  }

  /**
   * The task queue of the IdP calls the membership workflows make, served by its own worker with its
   * own activity slots. The lease activities wait on those workflows while holding a slot of the main
   * queue; with both on one queue, a long IdP outage with more waiting leases than slots left no slot
   * for the IdP calls they waited on, and the worker deadlocked (bench idp-down, 2026-12-02).
   */
  public static String idpTaskQueue(String taskQueue) {
    return taskQueue + "-idp";
  }

  /** {@code options} for an IdP call of a membership workflow: on {@link #idpTaskQueue} of the workflow's own queue. */
  /** The same options with a summary, the line the Temporal UI shows for that activity ("remove dana from grafana-admins"). */
  public static ActivityOptions summarized(ActivityOptions options, String summary) {
    return ActivityOptions.newBuilder(options).setSummary(summary.length() > 200 ? summary.substring(0, 200) : summary)
        .build();
  }

  public static ActivityOptions onIdpTaskQueue(ActivityOptions options) {
    return ActivityOptions.newBuilder(options).setTaskQueue(idpTaskQueue(Workflow.getInfo().getTaskQueue())).build();
  }

  /** IdP lookups and grants: a few quick retries, then the workflow decides (fail the request). */
  public static ActivityOptions idpGrantOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setScheduleToCloseTimeout(Duration.ofMinutes(10))
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2.0)
            .setMaximumInterval(Duration.ofSeconds(30))
            .setDoNotRetry(NON_RETRYABLE)
            .build())
        .build();
  }

  /**
   * IdP removals. One attempt batch spans about ten seconds, retrying at least every second so a
   * removal lands within about a second of the IdP answering again; the removal workflow then
   * records the error and starts another batch, forever (slower as an outage ages), so revocation
   * never gives up and its progress is visible in the request's state between batches.
   */
  public static ActivityOptions idpRevokeOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setPriority(REVOCATION_PRIORITY)
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofMillis(500))
            .setBackoffCoefficient(2.0)
            .setMaximumInterval(Duration.ofSeconds(1))
            .setMaximumAttempts(10)
            .build())
        .build();
  }

  /**
   * Leases on the shared membership workflow: each call waits for the IdP change done there, so
   * it gets longer than a single IdP call.
   */
  public static ActivityOptions leaseAcquireOptions() {
    return ActivityOptions.newBuilder(idpGrantOptions()).setStartToCloseTimeout(Duration.ofMinutes(2))
        .setHeartbeatTimeout(LEASE_HEARTBEAT_TIMEOUT).build();
  }

  /**
   * The lease activities heartbeat every second while they wait: a worker that dies under them is
   * noticed this soon, and the attempt is retried on a live one.
   */
  public static final Duration LEASE_HEARTBEAT_TIMEOUT = Duration.ofSeconds(5);

  public static ActivityOptions leaseReleaseOptions() {
    // One try: the membership workflow already ran a whole batch of IdP retries behind it, so a
    // failure goes straight back to the request, which records the error and releases again.
    return ActivityOptions.newBuilder(idpRevokeOptions())
        .setStartToCloseTimeout(Duration.ofMinutes(2))
        .setHeartbeatTimeout(LEASE_HEARTBEAT_TIMEOUT)
        .setRetryOptions(RetryOptions.newBuilder(idpRevokeOptions().getRetryOptions()).setMaximumAttempts(1).build())
        .build();
  }

  /**
   * The first try of a removal, from the request itself: one attempt, a few seconds; whatever it
   * does not confirm goes on in a removal workflow that retries until the IdP does.
   */
  public static ActivityOptions leaseQuickReleaseOptions() {
    return ActivityOptions.newBuilder()
        .setPriority(REVOCATION_PRIORITY)
        .setStartToCloseTimeout(QUICK_RELEASE_WAIT.plusSeconds(5))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  /** How long the first try of a removal waits for the IdP before leaving the rest to the removal workflow. */
  public static final Duration QUICK_RELEASE_WAIT = Duration.ofSeconds(3);

  /**
   * A batch of notices sent inside the workflow task, where nothing else waits on it (the first
   * step of a request, its last): one attempt; whatever it leaves goes to the port's retry lane.
   */
  public static LocalActivityOptions localNoticeOptions() {
    return LocalActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
        .build();
  }

  /** The ledger's retry lane: retried until the database takes the part, never more than 10 s apart. */
  public static ActivityOptions ledgerRetryOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setPriority(LEDGER_CATCH_UP_PRIORITY)
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2.0)
            .setMaximumInterval(Duration.ofSeconds(10))
            .build())
        .build();
  }

  /** Ticket and chat writes: retried until the vendor is back; they never block access decisions. */
  public static ActivityOptions notificationOptions() {
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(30))
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(Duration.ofSeconds(1))
            .setBackoffCoefficient(2.0)
            .setMaximumInterval(Duration.ofMinutes(1))
            .build())
        .build();
  }

}
