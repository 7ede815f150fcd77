package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.Membership;
import io.temporal.activity.ActivityInterface;

/**
 * Group membership as a lease held by a request, so that overlapping grants of the same group to
 * the same person keep it until the last one ends. Both calls are safe to repeat.
 */
@ActivityInterface(namePrefix = "Lease")
public interface MembershipLeases {

  /** Hold the membership for membership.requestId(); returns once the user is in the group. @return a {@link dev.accessflow.workflows.membership.MembershipOutcome} */
  String acquire(Membership membership);

  /** Release it; returns once the user is out of the group, or it stays (held by another request, or standing). @return a {@link dev.accessflow.workflows.membership.MembershipOutcome} */
  String release(Membership membership);
}
