package dev.accessflow.activities.idp;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.AppSignIns;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Several directories behind one set of ports. A catalog group names its directory by a prefix
 * ({@code entra:9e9e…}, {@code google:eng-drive@acme.example}, {@code okta:00g…}); a group without
 * one is the primary directory's, which also says who a person is (profile, manager, department).
 *
 * <p>In any other directory the person is found by their login, and their id there is looked up
 * once and remembered: a grant adds them only after that directory has resolved them (a suspended
 * or disabled account there is refused), and a removal needs no more than their id, so it goes
 * through even for an account disabled meanwhile.
 */
public final class Directories implements IdentityProvider, GroupDirectory, AppSignIns {
  /** The directory names a catalog group may carry as a prefix. */
  public static final List<String> NAMES = List.of("okta", "entra", "google");
  private static final Pattern PREFIXED = Pattern.compile("(okta|entra|google):(.+)");

  /**
   * One directory.
   *
   * @param userIdOf the person's id in this directory from their login, without refusing a disabled account
   */
  public record Directory(String name, IdentityProvider idp, GroupDirectory groups, AppSignIns signIns,
      Function<String, String> userIdOf) {}

  private record Route(Directory directory, String localId, boolean primary) {}

  private final Directory primary;
  private final Map<String, Directory> others;
  private final Map<String, String> ids = new ConcurrentHashMap<>();

  public Directories(Directory primary, List<Directory> others) {
    this.primary = primary;
    Map<String, Directory> byName = new LinkedHashMap<>();
    others.forEach(d -> byName.put(d.name(), d));
    this.others = Map.copyOf(byName);
  }

  /** The directory a group id names ({@code null}: the primary's) and its id there. */
  public static Map.Entry<String, String> split(String groupId) {
    Matcher m = PREFIXED.matcher(groupId);
    return m.matches() ? Map.entry(m.group(1), m.group(2)) : new java.util.AbstractMap.SimpleImmutableEntry<>(null, groupId);
  }

  /** Group ids by the directory they live in (unprefixed ones under {@code primaryName}), each as that directory knows it. */
  public static Map<String, List<String>> byDirectory(java.util.Collection<String> groupIds, String primaryName) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String id : groupIds) {
      var split = split(id);
      out.computeIfAbsent(split.getKey() == null ? primaryName : split.getKey(), k -> new java.util.ArrayList<>())
          .add(split.getValue());
    }
    return out;
  }

  private Route route(String groupId) {
    var split = split(groupId);
    if (split.getKey() == null || split.getKey().equals(primary.name())) {
      return new Route(primary, split.getValue(), true);
    }
    Directory directory = others.get(split.getKey());
    if (directory == null) {
      // The catalog check refuses such groups at start-up; a stale workflow could still carry one.
      throw ApplicationFailure.newNonRetryableFailure("group " + groupId + " names directory " + split.getKey()
          + ", which this process is not configured for", AccessflowTemporal.UNKNOWN_GROUP);
    }
    return new Route(directory, split.getValue(), false);
  }

  private Membership local(Membership m, Route route, boolean adding) {
    if (route.primary()) {
      return new Membership(m.requestId(), m.login(), m.userId(), route.localId());
    }
    String key = route.directory().name() + "|" + m.login().toLowerCase(Locale.ROOT);
    String id;
    if (adding) {
      // resolveUser refuses an account that cannot sign in there, before anything is added.
      id = route.directory().idp().resolveUser(m.login()).id();
      ids.put(key, id);
    } else {
      id = ids.computeIfAbsent(key, k -> route.directory().userIdOf().apply(m.login()));
    }
    return new Membership(m.requestId(), m.login(), id, route.localId());
  }

  // ---- IdentityProvider ----

  @Override
  public IdpUser resolveUser(String login) {
    return primary.idp().resolveUser(login);
  }

  @Override
  public void addMember(Membership membership) {
    Route route = route(membership.groupId());
    route.directory().idp().addMember(local(membership, route, true));
  }

  @Override
  public boolean isMember(Membership membership) {
    Route route = route(membership.groupId());
    Membership local;
    try {
      local = local(membership, route, false);
    } catch (ApplicationFailure unknown) {
      if (AccessflowTemporal.UNKNOWN_USER.equals(unknown.getType())) {
        return false; // not a person there yet: not a member; the add will say so
      }
      throw unknown;
    }
    return route.directory().idp().isMember(local);
  }

  @Override
  public String removeMember(Membership membership) {
    Route route = route(membership.groupId());
    Membership local;
    try {
      local = local(membership, route, false);
    } catch (ApplicationFailure unknown) {
      if (AccessflowTemporal.UNKNOWN_USER.equals(unknown.getType())) {
        return route.directory().name() + " no longer knows " + membership.login() + ": nothing to remove";
      }
      throw unknown;
    }
    return route.directory().idp().removeMember(local);
  }

  // ---- GroupDirectory ----

  @Override
  public Optional<String> groupName(String groupId) {
    Route route = route(groupId);
    return route.directory().groups() == null ? Optional.empty() : route.directory().groups().groupName(route.localId());
  }

  @Override
  public Page members(String groupId, String cursor, int limit) {
    Route route = route(groupId);
    if (route.directory().groups() == null) {
      throw ApplicationFailure.newNonRetryableFailure("directory " + route.directory().name() + " cannot list members",
          AccessflowTemporal.IDP_REJECTED);
    }
    return route.directory().groups().members(route.localId(), cursor, limit);
  }

  // ---- AppSignIns: an idpApp may carry a prefix too ----

  @Override
  public Duration retention() {
    Duration shortest = primary.signIns() == null ? null : primary.signIns().retention();
    for (Directory d : others.values()) {
      if (d.signIns() != null && (shortest == null || d.signIns().retention().compareTo(shortest) < 0)) {
        shortest = d.signIns().retention();
      }
    }
    return shortest == null ? Duration.ZERO : shortest;
  }

  @Override
  public SignInPage signIns(String idpApp, java.time.Instant since, java.time.Instant until, String cursor, int limit) {
    Route route = route(idpApp);
    if (route.directory().signIns() == null) {
      throw ApplicationFailure.newNonRetryableFailure("directory " + route.directory().name() + " has no sign-in log",
          AccessflowTemporal.IDP_REJECTED);
    }
    return route.directory().signIns().signIns(route.localId(), since, until, cursor, limit);
  }
}
