package dev.accessflow.workflows.membership;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.Failures;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.LeaseResult;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.MembershipRemoval;
import dev.accessflow.workflows.ports.MembershipLeases;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The memberships of one grant: a lease on each group of the role, taken back when the grant ends,
 * or when part of it failed (only the leases this grant holds: a group it never got is left alone).
 * A removal the IdP does not confirm at once goes on in a {@link MembershipRemovalWorkflow} child that
 * retries until it does.
 */
public final class Grant {
  /**
   * @param standing labels of groups the person was in before the grant (never removed by accessflow)
   * @param failures why a group could not be granted, one line each; empty when every group was
   */
  public record Provisioned(List<String> standing, List<String> failures) {
    public boolean complete() {
      return failures.isEmpty();
    }
  }

  private final AccessRequest request;
  private final Consumer<String> onRemovalError;
  private final List<String> held = new ArrayList<>();
  private final List<String> standingIds = new ArrayList<>();
  private IdpUser user;
  private boolean retrying;

  /** @param onRemovalError told the IdP's error when a removal does not go through at once */
  public Grant(AccessRequest request, Consumer<String> onRemovalError) {
    this.request = request;
    this.onRemovalError = onRemovalError;
  }

  /** Takes a lease on every group of the role, all in one activity. */
  public Provisioned provision(IdpUser user) {
    this.user = user;
    List<String> standing = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    try {
      MembershipLeases acquire = Workflow.newActivityStub(MembershipLeases.class, AccessflowTemporal.summarized(
          AccessflowTemporal.leaseAcquireOptions(), "add " + request.requester() + " to " + request.groupLabels()));
      for (LeaseResult result : acquire.acquireAll(request.groups().stream().map(this::membership).toList())) {
        String label = request.groupLabel(result.groupId());
        if (!result.done()) {
          failures.add("group " + label + ": " + result.error());
          continue;
        }
        held.add(result.groupId());
        if (MembershipOutcome.standing(result.outcome())) {
          standing.add(label);
          standingIds.add(result.groupId());
        }
      }
    } catch (ActivityFailure failure) {
      // Which groups an attempt added before it gave up is not known: the rollback releases them
      // all, and releasing a lease this request never took leaves the membership as it is.
      held.clear();
      held.addAll(request.groups());
      failures.add("groups " + request.groupLabels() + ": " + Failures.describe(failure));
    }
    return new Provisioned(List.copyOf(standing), List.copyOf(failures));
  }

  /** Ids of the groups the person was a member of before this grant (accessflow never removes those). */
  public List<String> standingGroups() {
    return List.copyOf(standingIds);
  }

  /** True when some lease is held (a removal has something to do). */
  public boolean holdsAny() {
    return !held.isEmpty();
  }

  /**
   * Releases every lease this grant holds: first straight from the request, in one activity that
   * waits a few seconds; whatever is not confirmed by then goes to a {@link MembershipRemovalWorkflow}
   * child that retries until the IdP confirms it (and outlives an operator terminating the request).
   *
   * @param purpose part of the child's id ("end", "rollback"): one request removes at most once per purpose
   * @return per group id, in the role's order, the lease's {@link MembershipOutcome}
   */
  public Promise<Map<String, String>> remove(String purpose) {
    List<String> order = List.copyOf(held);
    held.clear();
    return Async.function(() -> {
      Map<String, String> outcomes = new LinkedHashMap<>();
      List<Membership> left = new ArrayList<>();
      try {
        MembershipLeases release = Workflow.newActivityStub(MembershipLeases.class, AccessflowTemporal.summarized(
            AccessflowTemporal.leaseQuickReleaseOptions(), "remove " + request.requester() + " from "
                + String.join(", ", order.stream().map(request::groupLabel).toList()) + " (" + purpose + ")"));
        for (LeaseResult result : release.releaseAll(order.stream().map(this::membership).toList())) {
          if (result.done()) {
            outcomes.put(result.groupId(), result.outcome());
          } else {
            left.add(membership(result.groupId()));
            onRemovalError.accept("removing from group " + request.groupLabel(result.groupId()) + ": " + result.error());
          }
        }
      } catch (ActivityFailure failure) {
        order.stream().filter(group -> !outcomes.containsKey(group)).map(this::membership).forEach(left::add);
      }
      if (!left.isEmpty()) {
        retrying = true;
        outcomes.putAll(untilConfirmed(purpose, left, outcomes));
      }
      Map<String, String> ordered = new LinkedHashMap<>();
      order.forEach(group -> ordered.put(group, outcomes.get(group)));
      return ordered;
    });
  }

  /** True once a removal's first try left something to the removal workflow. */
  public boolean removalRetrying() {
    return retrying;
  }

  private Map<String, String> untilConfirmed(String purpose, List<Membership> left, Map<String, String> done) {
    Map<String, String> labels = new LinkedHashMap<>();
    left.forEach(m -> labels.put(m.groupId(), request.groupLabel(m.groupId())));
    MembershipRemovalWorkflow child = Workflow.newChildWorkflowStub(MembershipRemovalWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(AccessflowTemporal.removalWorkflowId(request.requestId(), purpose))
            // A removal outlives an operator terminating the request: nothing granted stays behind.
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .setPriority(AccessflowTemporal.REVOCATION_PRIORITY)
            .build());
    return child.run(new MembershipRemoval(request.requestId(), left, labels, Map.of(), null, null, null));
  }

  private Membership membership(String group) {
    return new Membership(request.requestId(), request.requester(), user.id(), group);
  }
}
