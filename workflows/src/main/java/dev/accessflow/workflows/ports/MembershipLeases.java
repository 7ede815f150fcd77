package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.LeaseResult;
import dev.accessflow.workflows.model.Membership;
import io.temporal.activity.ActivityInterface;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;

/**
 * Group membership as a lease held by a request, so that overlapping grants of the same group to
 * the same person keep it until the last one ends. Every call is safe to repeat. The batch calls
 * cover every group of a role in one activity (the defaults go group by group; an adapter may go
 * side by side).
 */
@ActivityInterface(namePrefix = "Lease")
public interface MembershipLeases {

  /** Hold the membership for membership.requestId(); returns once the user is in the group. @return a {@link dev.accessflow.workflows.membership.MembershipOutcome} */
  String acquire(Membership membership);

  /** Release it; returns once the user is out of the group, or it stays (held by another request, or standing). @return a {@link dev.accessflow.workflows.membership.MembershipOutcome} */
  String release(Membership membership);

  /**
   * Holds every membership. A group the IdP refuses is answered as refused; any other failure fails
   * the whole call, so Temporal retries it (the groups already held are held again, a no-op).
   */
  default List<LeaseResult> acquireAll(List<Membership> memberships) {
    List<LeaseResult> results = new ArrayList<>();
    RuntimeException retry = null;
    for (Membership membership : memberships) {
      try {
        results.add(LeaseResult.done(membership.groupId(), acquire(membership)));
      } catch (RuntimeException e) {
        boolean refused = e instanceof ApplicationFailure failure && failure.isNonRetryable();
        if (!refused) {
          retry = retry == null ? e : retry;
        }
        results.add(LeaseResult.failed(membership.groupId(), message(e), refused));
      }
    }
    if (retry != null) {
      throw retry instanceof ApplicationFailure failure ? failure
          : ApplicationFailure.newFailure(message(retry), retry.getClass().getSimpleName());
    }
    return results;
  }

  /**
   * Releases every membership and answers per group, never failing as a whole: a group not
   * released says why (the caller goes on retrying those).
   */
  default List<LeaseResult> releaseAll(List<Membership> memberships) {
    List<LeaseResult> results = new ArrayList<>();
    for (Membership membership : memberships) {
      try {
        results.add(LeaseResult.done(membership.groupId(), release(membership)));
      } catch (RuntimeException e) {
        results.add(LeaseResult.failed(membership.groupId(), message(e),
            e instanceof ApplicationFailure failure && failure.isNonRetryable()));
      }
    }
    return results;
  }

  private static String message(RuntimeException e) {
    return e instanceof ApplicationFailure failure ? failure.getOriginalMessage()
        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
