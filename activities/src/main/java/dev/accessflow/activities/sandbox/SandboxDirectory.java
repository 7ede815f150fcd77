package dev.accessflow.activities.sandbox;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local sandbox IdP: an in-process directory of users and groups, seeded from config, that
 * logs every membership change. For trying accessflow without an Okta org; state is in memory.
 */
public final class SandboxDirectory implements IdentityProvider {
  private static final Logger log = LoggerFactory.getLogger(SandboxDirectory.class);

  /** A person in the sandbox. */
  public record SandboxUser(String login, String displayName, String manager, String department) {}

  private final Map<String, SandboxUser> users = new ConcurrentHashMap<>();
  private final Set<String> groups;
  /** group id -> member logins */
  private final Map<String, Set<String>> members = new ConcurrentHashMap<>();

  public SandboxDirectory(Collection<SandboxUser> users, Collection<String> groups) {
    users.forEach(u -> this.users.put(u.login().toLowerCase(), u));
    this.groups = Set.copyOf(groups);
  }

  @Override
  public IdpUser resolveUser(String login) {
    SandboxUser user = users.get(login.toLowerCase());
    if (user == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "no user with login " + login + " in the sandbox directory", AccessflowTemporal.UNKNOWN_USER);
    }
    return new IdpUser(user.login(), "sandbox-" + user.login(), user.displayName(), user.manager(), user.department(), null);
  }

  @Override
  public void addMember(Membership membership) {
    requireGroup(membership.groupId());
    boolean added = members.computeIfAbsent(membership.groupId(), g -> ConcurrentHashMap.newKeySet())
        .add(membership.login().toLowerCase());
    log.info("sandbox IdP: {} {} to group {} (request {})", added ? "ADDED" : "already a member:",
        membership.login(), membership.groupId(), membership.requestId());
  }

  @Override
  public String removeMember(Membership membership) {
    Set<String> current = members.get(membership.groupId());
    boolean removed = current != null && current.remove(membership.login().toLowerCase());
    log.info("sandbox IdP: {} {} from group {} (request {})", removed ? "REMOVED" : "already absent:",
        membership.login(), membership.groupId(), membership.requestId());
    return removed ? null : "the sandbox directory had no such membership";
  }

  @Override
  public boolean isMember(Membership membership) {
    requireGroup(membership.groupId());
    return members.getOrDefault(membership.groupId(), Set.of()).contains(membership.login().toLowerCase());
  }

  /** Who is in which group right now (groups sorted, members sorted). */
  public Map<String, List<String>> memberships() {
    Map<String, List<String>> view = new TreeMap<>();
    for (String group : groups) {
      view.put(group, List.copyOf(new TreeSet<>(members.getOrDefault(group, Set.of()))));
    }
    return view;
  }

  public Set<String> groups() {
    return groups;
  }

  private void requireGroup(String groupId) {
    if (!groups.contains(groupId)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "group " + groupId + " does not exist in the sandbox directory", AccessflowTemporal.UNKNOWN_GROUP);
    }
  }
}
