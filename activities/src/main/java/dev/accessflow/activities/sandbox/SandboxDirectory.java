package dev.accessflow.activities.sandbox;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.ports.AppSignIns;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.IdentityProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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
public final class SandboxDirectory implements IdentityProvider, GroupDirectory, AppSignIns {
  private static final Logger log = LoggerFactory.getLogger(SandboxDirectory.class);

  /** A person in the sandbox. */
  public record SandboxUser(String login, String displayName, String manager, String department, String title) {
    public SandboxUser(String login, String displayName, String manager, String department) {
      this(login, displayName, manager, department, null);
    }
  }

  private final Map<String, SandboxUser> users = new ConcurrentHashMap<>();
  private final Set<String> groups;
  /** group id -> member logins */
  private final Map<String, Set<String>> members = new ConcurrentHashMap<>();
  /** login -> last sign-in (the sandbox's sign-in endpoint sets it) */
  private final Map<String, Instant> lastLogins = new ConcurrentHashMap<>();
  /** IdP app id -> its sign-in log, oldest first, the newest {@link #LOG_MAX} kept */
  private final Map<String, java.util.Deque<SignIn>> appLogs = new ConcurrentHashMap<>();
  /** Sign-ins the sandbox keeps per app: a demo's worth, in memory. */
  static final int LOG_MAX = 10_000;

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
    return new IdpUser(user.login(), userId(user.login()), user.displayName(), user.manager(), user.department(),
        lastLogins.get(user.login().toLowerCase()));
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

  // ---- the inventory's view ----

  @Override
  public Optional<String> groupName(String groupId) {
    return groups.contains(groupId) ? Optional.of(groupId) : Optional.empty();
  }

  /** Members in login order; the cursor is the last login of the previous page. */
  @Override
  public Page members(String groupId, String cursor, int limit) {
    requireGroup(groupId);
    List<String> logins = new TreeSet<>(members.getOrDefault(groupId, Set.of())).stream()
        .filter(login -> cursor == null || login.compareTo(cursor) > 0)
        .limit(limit + 1L)
        .toList();
    boolean more = logins.size() > limit;
    List<DirectoryMember> page = logins.stream().limit(limit).map(this::member).toList();
    return new Page(page, more ? logins.get(limit - 1) : null);
  }

  private DirectoryMember member(String login) {
    SandboxUser user = users.get(login);
    return new DirectoryMember(userId(login), login, user == null ? login : user.displayName(),
        user == null ? "UNKNOWN" : "ACTIVE", lastLogins.get(login), user == null ? null : user.department(),
        user == null ? null : user.title(), user == null ? null : user.manager());
  }

  private static String userId(String login) {
    return "sandbox-" + login.toLowerCase();
  }

  /**
   * A change made in the directory, not through accessflow (what an admin does in the IdP's console).
   *
   * @return false when it changed nothing (already a member, or not one)
   */
  public boolean changeOutOfBand(String groupId, String login, boolean add) {
    requireGroup(groupId);
    String key = login.toLowerCase();
    if (add && !users.containsKey(key)) {
      throw new IllegalArgumentException("no user with login " + login + " in the sandbox directory");
    }
    Set<String> current = members.computeIfAbsent(groupId, g -> ConcurrentHashMap.newKeySet());
    boolean changed = add ? current.add(key) : current.remove(key);
    log.warn("sandbox IdP: OUT OF BAND {} {} {} group {}", changed ? (add ? "ADDED" : "REMOVED") : "no change:",
        login, add ? "to" : "from", groupId);
    return changed;
  }

  /** A sign-in by the person, now (the sandbox's stand-in for the IdP's sign-in record). */
  public Instant signIn(String login, Instant at) {
    return signIn(login, null, at);
  }

  /**
   * A sign-in by the person through the IdP, to the app with IdP id {@code idpApp} when not null
   * (what Okta's System Log records as {@code user.authentication.sso}); both set their last login.
   */
  public Instant signIn(String login, String idpApp, Instant at) {
    String key = login.toLowerCase();
    if (!users.containsKey(key)) {
      throw new IllegalArgumentException("no user with login " + login + " in the sandbox directory");
    }
    lastLogins.merge(key, at, (a, b) -> a.isAfter(b) ? a : b);
    if (idpApp != null) {
      java.util.Deque<SignIn> log = appLogs.computeIfAbsent(idpApp, a -> new java.util.ArrayDeque<>());
      synchronized (log) {
        log.addLast(new SignIn(key, userId(key), at));
        if (log.size() > LOG_MAX) {
          log.removeFirst();
        }
      }
    }
    return at;
  }

  @Override
  public Duration retention() {
    return Duration.ofDays(90);
  }

  /** The app's sign-ins in [since, until), oldest first; the cursor is how many of them came before. */
  @Override
  public SignInPage signIns(String idpApp, Instant since, Instant until, String cursor, int limit) {
    java.util.Deque<SignIn> log = appLogs.getOrDefault(idpApp, new java.util.ArrayDeque<>());
    List<SignIn> window;
    synchronized (log) {
      window = log.stream().filter(s -> !s.at().isBefore(since) && s.at().isBefore(until))
          .sorted(java.util.Comparator.comparing(SignIn::at)).toList();
    }
    int from = cursor == null ? 0 : Integer.parseInt(cursor);
    int to = Math.min(window.size(), from + limit);
    return new SignInPage(window.subList(Math.min(from, to), to), to < window.size() ? Integer.toString(to) : null);
  }

  /** The sandbox user id of a login (what its memberships and events carry). */
  public String idOf(String login) {
    return userId(login);
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
