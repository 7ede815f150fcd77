package dev.accessflow.workflows.membership;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.Failures;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.IdpUser;
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

/**
 * The memberships of one grant: a lease on each group of the role, taken back when the grant ends,
 * or when part of it failed (only the leases this grant holds: a group it never got is left alone).
 * Removal runs in a {@link MembershipRemovalWorkflow} child that retries until the IdP confirms.
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

  private final MembershipLeases leases =
      Workflow.newActivityStub(MembershipLeases.class, AccessflowTemporal.leaseAcquireOptions());
  private final AccessRequest request;
  private final List<String> held = new ArrayList<>();
  private IdpUser user;

  public Grant(AccessRequest request) {
    this.request = request;
  }

  /** Takes a lease on every group of the role, all at once. */
  public Provisioned provision(IdpUser user) {
    this.user = user;
    List<Promise<String>> adds = new ArrayList<>();
    for (String group : request.groups()) {
      adds.add(Async.function(leases::acquire, membership(group)));
    }
    List<String> standing = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < adds.size(); i++) {
      String group = request.groups().get(i);
      try {
        String outcome = adds.get(i).get();
        held.add(group);
        if (MembershipOutcome.standing(outcome)) {
          standing.add(request.groupLabel(group));
        }
      } catch (ActivityFailure failure) {
        failures.add("group " + request.groupLabel(group) + ": " + Failures.describe(failure));
      }
    }
    return new Provisioned(List.copyOf(standing), List.copyOf(failures));
  }

  /** True when some lease is held (a removal has something to do). */
  public boolean holdsAny() {
    return !held.isEmpty();
  }

  /**
   * Releases every lease this grant holds, in a child workflow.
   *
   * @param purpose part of the child's id ("end", "rollback"): one request removes at most once per purpose
   * @return per group id, in the role's order, the lease's {@link MembershipOutcome}
   */
  public Promise<Map<String, String>> remove(String purpose) {
    Map<String, String> labels = new LinkedHashMap<>();
    held.forEach(group -> labels.put(group, request.groupLabel(group)));
    MembershipRemoval removal = new MembershipRemoval(request.requestId(), held.stream().map(this::membership).toList(),
        labels, Map.of(), null, null, null);
    MembershipRemovalWorkflow child = Workflow.newChildWorkflowStub(MembershipRemovalWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(AccessflowTemporal.removalWorkflowId(request.requestId(), purpose))
            // A removal outlives an operator terminating the request: nothing granted stays behind.
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .build());
    List<String> order = List.copyOf(held);
    held.clear();
    return Async.function(child::run, removal).thenApply(outcomes -> {
      Map<String, String> ordered = new LinkedHashMap<>();
      order.forEach(group -> ordered.put(group, outcomes.get(group)));
      return ordered;
    });
  }

  private Membership membership(String group) {
    return new Membership(request.requestId(), request.requester(), user.id(), group);
  }
}
