package dev.accessflow.workflows.membership;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.Failures;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.MembershipRemoval;
import dev.accessflow.workflows.ports.MembershipLeases;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/** Releases every lease of the removal until each is confirmed; rolls over to a new run every {@link #TRIES_PER_RUN} tries. */
public final class MembershipRemovalWorkflowImpl implements MembershipRemovalWorkflow {
  private static final Logger log = Workflow.getLogger(MembershipRemovalWorkflowImpl.class);
  /** About 10 history events a try: a run stays near 2,000 events, far below Temporal's limits. */
  static final int TRIES_PER_RUN = 200;
  /** An error that keeps changing is told to the request at most this often (its history stays small too). */
  static final Duration REPORT_AT_MOST_EVERY = Duration.ofHours(1);

  private final Map<String, String> outcomes = new LinkedHashMap<>();
  private MembershipRemoval removal;
  private Instant failingSince;
  private String reportedError;
  private Instant reportedAt;
  private int tries;

  @Override
  public Map<String, String> run(MembershipRemoval removal) {
    this.removal = removal;
    outcomes.putAll(removal.outcomes());
    failingSince = removal.failingSince();
    reportedError = removal.reportedError();
    reportedAt = removal.reportedAt();
    List<Promise<Void>> loops = removal.memberships().stream()
        .filter(m -> !outcomes.containsKey(m.groupId()))
        .map(m -> Async.procedure(this::removeUntilGone, m))
        .toList();
    Promise.allOf(loops).get();
    if (outcomes.size() < removal.memberships().size()) {
      Workflow.continueAsNew(new MembershipRemoval(removal.requestId(), removal.memberships(), removal.groupLabels(),
          outcomes, failingSince, reportedError, reportedAt));
    }
    return outcomes;
  }

  private void removeUntilGone(Membership membership) {
    String label = removal.groupLabels().getOrDefault(membership.groupId(), membership.groupId());
    while (tries < TRIES_PER_RUN && !Workflow.getInfo().isContinueAsNewSuggested()) {
      try {
        MembershipLeases leases = Workflow.newActivityStub(MembershipLeases.class, AccessflowTemporal.summarized(
            AccessflowTemporal.leaseReleaseOptions(), "remove " + membership.login() + " from " + label + " (try "
                + (tries + 1) + ", retried until the IdP confirms)"));
        outcomes.put(membership.groupId(), leases.release(membership));
        return;
      } catch (ActivityFailure failure) {
        tries++;
        Instant now = Instant.ofEpochMilli(Workflow.currentTimeMillis());
        failingSince = failingSince == null ? now : failingSince;
        String cause = Failures.describe(failure);
        log.warn("request {}: removing from group {}: {}; retrying", removal.requestId(), label, cause);
        report(cause, "removing from group " + label + ": " + cause, now);
        boolean refused = failure.getRetryState() == RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE;
        Workflow.sleep(RemovalBackoff.pause(refused, Duration.between(failingSince, now)));
      }
    }
  }

  /**
   * Tells the request why its removal is not done yet, so its state and ticket name the IdP's error:
   * the first time, and again only when the IdP's answer changed, at most once an hour.
   */
  private void report(String cause, String error, Instant now) {
    if (cause.equals(reportedError) || reportedAt != null && Duration.between(reportedAt, now).compareTo(REPORT_AT_MOST_EVERY) < 0) {
      return;
    }
    reportedError = cause;
    reportedAt = now;
    try {
      Workflow.newExternalWorkflowStub(AccessRequestWorkflow.class, AccessflowTemporal.workflowId(removal.requestId()))
          .removalFailing(error);
    } catch (RuntimeException closed) {
      // The request is gone (a removal outlives an operator's terminate): keep removing all the same.
      log.info("request {} did not take the removal's progress: {}", removal.requestId(), closed.getMessage());
    }
  }
}
