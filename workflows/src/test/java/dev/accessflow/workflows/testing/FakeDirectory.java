package dev.accessflow.workflows.testing;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory IdP for workflow tests, with switches to make it fail. */
public final class FakeDirectory implements IdentityProvider {
  private final Map<String, IdpUser> users = new ConcurrentHashMap<>();
  private final Set<String> memberships = ConcurrentHashMap.newKeySet();
  private final List<String> calls = new ArrayList<>();
  private final Set<String> refusedGroups = new HashSet<>();
  private final AtomicInteger removalFailuresLeft = new AtomicInteger();
  private volatile java.util.concurrent.CountDownLatch resolutionGate = new java.util.concurrent.CountDownLatch(0);

  private volatile java.util.concurrent.CountDownLatch addGate = new java.util.concurrent.CountDownLatch(0);
  private volatile java.util.concurrent.CountDownLatch removeGate = new java.util.concurrent.CountDownLatch(0);
  private volatile java.time.Instant removalsFailUntil;
  private volatile java.util.function.LongSupplier clock;

  /** Adds block until the returned latch is counted down, as a slow IdP would. */
  public java.util.concurrent.CountDownLatch holdAdds() {
    addGate = new java.util.concurrent.CountDownLatch(1);
    return addGate;
  }

  /** Removals block until the returned latch is counted down, as a slow IdP would. */
  public java.util.concurrent.CountDownLatch holdRemovals() {
    removeGate = new java.util.concurrent.CountDownLatch(1);
    return removeGate;
  }

  /** Every removal fails with a retryable error until {@code until} on the given clock (the test server's). */
  public void failRemovalsUntil(java.time.Instant until, java.util.function.LongSupplier millis) {
    this.clock = millis;
    this.removalsFailUntil = until;
  }

  /** User lookups block until the returned latch is counted down, as a slow IdP would. */
  public java.util.concurrent.CountDownLatch holdResolution() {
    resolutionGate = new java.util.concurrent.CountDownLatch(1);
    return resolutionGate;
  }

  public FakeDirectory withUser(String login, String manager) {
    return withUser(login, manager, "engineering");
  }

  public FakeDirectory withUser(String login, String manager, String department) {
    users.put(login, new IdpUser(login, "id-" + login.substring(0, login.indexOf('@')), login, manager, department, null));
    return this;
  }

  /** The next n removal attempts fail with a retryable error, as in an IdP outage. */
  public void failNextRemovals(int n) {
    removalFailuresLeft.set(n);
  }

  /** Adding to this group is refused for good, as a 403 would be. */
  public void refuseGroup(String group) {
    refusedGroups.add(group);
  }

  @Override
  public IdpUser resolveUser(String login) {
    try {
      resolutionGate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    IdpUser user = users.get(login);
    if (user == null) {
      throw ApplicationFailure.newNonRetryableFailure("no IdP user with login " + login, AccessflowTemporal.UNKNOWN_USER);
    }
    return user;
  }

  @Override
  public void addMember(Membership m) {
    try {
      addGate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    add(m);
  }

  private synchronized void add(Membership m) {
    calls.add("add " + m.groupId() + " " + m.login());
    if (refusedGroups.contains(m.groupId())) {
      throw ApplicationFailure.newNonRetryableFailure("E0000006 You do not have permission", AccessflowTemporal.IDP_REJECTED);
    }
    memberships.add(m.groupId() + "/" + m.userId());
  }

  @Override
  public String removeMember(Membership m) {
    try {
      removeGate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return remove(m);
  }

  private synchronized String remove(Membership m) {
    calls.add("remove " + m.groupId() + " " + m.login());
    java.time.Instant until = removalsFailUntil;
    if (until != null && clock.getAsLong() < until.toEpochMilli()
        || removalFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("503 Service Unavailable");
    }
    return memberships.remove(m.groupId() + "/" + m.userId()) ? null : "was not a member";
  }

  @Override
  public synchronized boolean isMember(Membership m) {
    calls.add("check " + m.groupId() + " " + m.login());
    return memberships.contains(m.groupId() + "/" + m.userId());
  }

  /** The person is in the group already, as if an admin had added them before any grant. */
  public FakeDirectory withMembership(String groupId, String login) {
    memberships.add(groupId + "/" + users.get(login).id());
    return this;
  }

  public boolean isMember(String groupId, String userId) {
    return memberships.contains(groupId + "/" + userId);
  }

  public synchronized List<String> calls() {
    return List.copyOf(calls);
  }
}
