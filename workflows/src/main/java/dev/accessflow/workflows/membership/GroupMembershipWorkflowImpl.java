package dev.accessflow.workflows.membership;

import dev.accessflow.workflows.Failures;
import dev.accessflow.workflows.model.Membership;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.MembershipHolders;

import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.api.enums.v1.RetryState;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import io.temporal.workflow.WorkflowLock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;

/** Reference-counted group membership: operations run one at a time under a workflow lock. */
public final class GroupMembershipWorkflowImpl implements GroupMembershipWorkflow {
  private static final Logger log = Workflow.getLogger(GroupMembershipWorkflowImpl.class);

  // On their own task queue: the lease activities that wait on this workflow cannot take their slots.
  private final WorkflowLock lock = Workflow.newWorkflowLock();
  private final Set<String> holders = new LinkedHashSet<>();
  private boolean member;
  /** The membership was in place before accessflow's first lease: leases lean on it, and never remove it. */
  private boolean standing;
  private int operations;

  @WorkflowInit
  public GroupMembershipWorkflowImpl(MembershipHolders state) {
    holders.addAll(state.requestIds());
    member = state.member();
    standing = state.standing();
  }

  @Override
  public void run(MembershipHolders ignored) {
    // Done when nobody holds the membership and it is gone; roll over when the history grows long.
    Workflow.await(() -> Workflow.isEveryHandlerFinished()
        && ((operations > 0 && holders.isEmpty() && !member) || Workflow.getInfo().isContinueAsNewSuggested()));
    if (!holders.isEmpty() || member) {
      Workflow.continueAsNew(holders());
    }
  }

  @Override
  public String acquire(Membership membership) {
    lock.lock();
    try {
      operations++;
      if (!member) {
        // A membership that was there before accessflow (standing access) is recorded as such and never removed.
        if (isMemberOrFailUpdate(membership)) {
          standing = true;
          log.info("{} is already in group {}: standing access, never removed by accessflow", membership.login(),
              membership.groupId());
        } else {
          addOrFailUpdate(membership); // a refusal fails this update; nothing is held
        }
        member = true;
      }
      holders.add(membership.requestId());
      if (standing) {
        return MembershipOutcome.STANDING;
      }
      return holders.size() == 1 ? MembershipOutcome.ADDED : MembershipOutcome.shared(others(membership.requestId()));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String release(Membership membership) {
    lock.lock();
    try {
      operations++;
      holders.remove(membership.requestId());
      if (!holders.isEmpty()) {
        log.info("{} keeps group {}: still held by {}", membership.login(), membership.groupId(), holders);
        return MembershipOutcome.keptFor(String.join(", ", holders));
      }
      if (member && standing) {
        // Not accessflow's to take away; the workflow ends, and a later grant asks the IdP again.
        member = false;
        standing = false;
        return MembershipOutcome.keptStanding();
      }
      String gone = null;
      if (member) {
        // One batch of retries; a failure fails this update and the request retries the release,
        // so the IdP's error shows in the request's state while the outage lasts.
        gone = removeOrFailUpdate(membership);
        member = false;
      }
      return gone == null ? MembershipOutcome.REMOVED : MembershipOutcome.alreadyGone(gone);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String removeUnheld(Membership membership) {
    lock.lock();
    try {
      operations++;
      if (!holders.isEmpty()) {
        throw ApplicationFailure.newNonRetryableFailure("request(s) " + String.join(", ", holders)
            + " hold this membership; it is not removed", AccessflowTemporal.MEMBERSHIP_HELD);
      }
      // Nobody holds it: whatever the IdP shows is not accessflow's grant, so a removal asked for is made.
      member = false;
      standing = false;
      return removeOrFailUpdate(membership);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public MembershipHolders holders() {
    return new MembershipHolders(new ArrayList<>(holders), member, standing);
  }

  /** The IdP's activities on their own task queue, each with the summary the Temporal UI shows. */
  private static IdentityProvider idp(io.temporal.activity.ActivityOptions options, String summary) {
    return Workflow.newActivityStub(IdentityProvider.class,
        AccessflowTemporal.summarized(AccessflowTemporal.onIdpTaskQueue(options), summary));
  }

  private void addOrFailUpdate(Membership membership) {
    try {
      idp(AccessflowTemporal.idpGrantOptions(), "add " + membership.login() + " to group " + membership.groupId())
          .addMember(membership);
    } catch (ActivityFailure failure) {
      throw updateFailure(failure);
    }
  }

  private String removeOrFailUpdate(Membership membership) {
    try {
      return idp(AccessflowTemporal.idpRevokeOptions(), "remove " + membership.login() + " from group "
          + membership.groupId()).removeMember(membership);
    } catch (ActivityFailure failure) {
      throw updateFailure(failure);
    }
  }

  private boolean isMemberOrFailUpdate(Membership membership) {
    try {
      return idp(AccessflowTemporal.idpGrantOptions(), "is " + membership.login() + " in group " + membership.groupId()
          + " already? (standing access is never removed)").isMember(membership);
    } catch (ActivityFailure failure) {
      throw updateFailure(failure);
    }
  }

  /**
   * An ActivityFailure escaping an update handler would fail this whole workflow and lose every
   * holder; an ApplicationFailure fails only the update, which is what the caller retries.
   */
  private static ApplicationFailure updateFailure(ActivityFailure failure) {
    String message = Failures.describe(failure);
    String type = Failures.type(failure);
    boolean refused = failure.getRetryState() == RetryState.RETRY_STATE_NON_RETRYABLE_FAILURE;
    return refused
        ? ApplicationFailure.newNonRetryableFailure(message, type == null ? AccessflowTemporal.IDP_REJECTED : type)
        : ApplicationFailure.newFailure(message, type == null ? AccessflowTemporal.IDP_UNAVAILABLE : type);
  }

  private String others(String requestId) {
    return String.join(", ", holders.stream().filter(h -> !h.equals(requestId)).toList());
  }
}
