package dev.accessflow.activities.okta;

import dev.accessflow.workflows.ports.AccessflowMetrics;
import com.fasterxml.jackson.core.type.TypeReference;
import com.okta.sdk.authc.credentials.TokenClientCredentials;
import com.okta.sdk.cache.Caches;
import com.okta.sdk.client.AuthorizationMode;
import com.okta.sdk.client.ClientBuilder;
import com.okta.sdk.resource.api.GroupApi;
import com.okta.sdk.resource.api.UserApi;
import com.okta.sdk.resource.api.UserResourcesApi;
import com.okta.sdk.resource.client.ApiClient;
import com.okta.sdk.resource.client.ApiException;
import com.okta.sdk.resource.model.Group;
import com.okta.sdk.resource.model.UserGetSingleton;
import com.okta.sdk.resource.model.UserProfile;
import com.okta.sdk.resource.model.UserStatus;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.ports.AppSignIns;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IdentityProvider} port on Okta's Management API, through the official Okta Java SDK.
 *
 * <p>Failure contract (what Temporal sees): unknown user → non-retryable {@code UnknownUser};
 * unknown group on add → non-retryable {@code UnknownGroup}; other 4xx refusals → non-retryable
 * {@code IdpRejected} with Okta's errorCode and errorSummary; 429 → retryable
 * {@code IdpRateLimited} whose next-retry delay is the time left until Okta's window resets; 5xx,
 * timeouts and connection errors → retryable {@code IdpUnavailable}. The SDK itself never retries
 * (max attempts 0): Temporal owns every retry, so attempts are visible in history.
 */
public final class OktaDirectory implements IdentityProvider, GroupDirectory, AppSignIns {
  private static final Logger log = LoggerFactory.getLogger(OktaDirectory.class);

  /** Failure type of a retryable outage (5xx, timeout, connection refused). */
  public static final String IDP_UNAVAILABLE = AccessflowTemporal.IDP_UNAVAILABLE;
  /** Failure type of a retryable 429 or a pre-emptive rate-limit pause. */
  public static final String IDP_RATE_LIMITED = OktaRateLimits.RATE_LIMITED;

  /** Below this share of the window's limit, calls wait for the reset instead of using it up. */
  static final double LOW_WATERMARK = 0.10;
  /**
   * The inventory's listings stop at half the window: a sync of thousands of members never takes
   * the budget a grant or a removal needs in the same minute.
   */
  static final double INVENTORY_WATERMARK = 0.50;
  /** The longest a call blocks its activity thread for the window; well under the 30 s start-to-close. */
  static final Duration MAX_PAUSE = Duration.ofSeconds(10);
  /** Delay for a 429 that carries no reset header (Okta always sends one; this is a safety net). */
  static final Duration DEFAULT_RATE_LIMIT_DELAY = Duration.ofSeconds(5);

  private final ApiClient client;
  private final OktaConfig config;
  private final OktaRateLimits limits;
  private final UserApi users;
  private final GroupApi groups;
  private final UserResourcesApi userResources;
  private final RateLimitRecordingHttpClient http;

  /**
   * @param client an SDK client built by {@link #buildApiClient(OktaConfig)} (tests re-point its
   *     base path at a stub); its HTTP client is wrapped here to read rate-limit headers
   */
  public OktaDirectory(ApiClient client, OktaConfig config, Clock clock) {
    this(client, config, clock, AccessflowMetrics.none());
  }

  /** @param metrics told of each wait Okta's rate limits cause */
  public OktaDirectory(ApiClient client, OktaConfig config, Clock clock, AccessflowMetrics metrics) {
    this(client, config, new OktaRateLimits(clock, d -> Thread.sleep(d.toMillis()), LOW_WATERMARK, MAX_PAUSE, metrics));
  }

  OktaDirectory(ApiClient client, OktaConfig config, OktaRateLimits limits) {
    this.client = client;
    this.config = config;
    this.limits = limits;
    this.http = new RateLimitRecordingHttpClient(client.getHttpClient(), limits);
    client.setHttpClient(http);
    this.users = new UserApi(client);
    this.groups = new GroupApi(client);
    this.userResources = new UserResourcesApi(client);
  }

  /** The production wiring: an SDK client for {@code config}, the system clock. */
  public static OktaDirectory fromConfig(OktaConfig config) {
    return fromConfig(config, AccessflowMetrics.none());
  }

  /** The production wiring, with the process's metrics. */
  public static OktaDirectory fromConfig(OktaConfig config, AccessflowMetrics metrics) {
    return new OktaDirectory(buildApiClient(config), config, Clock.systemUTC(), metrics);
  }

  /**
   * Builds the SDK client from {@code config} alone. The SDK builder also reads
   * {@code ~/.okta/okta.yaml}, classpath {@code okta.yaml}/{@code okta.properties}, {@code OKTA_*}
   * variables and {@code okta.*} system properties; every setting that matters is set here
   * explicitly so those cannot change what this adapter does, and any that are present are named
   * in a warning.
   */
  public static ApiClient buildApiClient(OktaConfig config) {
    Set<String> ambient = OktaAmbientSettings.present();
    if (!ambient.isEmpty()) {
      log.warn("ambient Okta SDK settings found and overridden by accessflow's configuration where it sets them: {}", ambient);
    }
    ClientBuilder builder = new PooledOktaClientBuilder()
        .setOrgUrl(config.orgUrl())
        .setConnectionTimeout((int) Math.max(1, config.requestTimeout().toSeconds()))
        // Temporal retries (with backoff visible in history and the 429 reset honoured); a second,
        // hidden retry loop inside the SDK would multiply attempts and sleep on activity threads.
        .setRetryMaxAttempts(0)
        .setRetryMaxElapsed(0)
        // No response cache: lastLogin and group lookups must be current.
        .setCacheManager(Caches.newDisabledCacheManager());
    if (config.usesApiToken()) {
      builder.setAuthorizationMode(AuthorizationMode.SSWS)
          .setClientCredentials(new TokenClientCredentials(config.apiToken()));
    } else {
      builder.setAuthorizationMode(AuthorizationMode.PRIVATE_KEY)
          .setClientId(config.clientId())
          .setScopes(new LinkedHashSet<>(config.scopes()))
          .setPrivateKey(config.privateKey());
    }
    return builder.build();
  }

  // ---- the port ----

  @Override
  public IdpUser resolveUser(String login) {
    UserGetSingleton user = call("GET", "/api/v1/users/{id}", "look up user " + login,
        () -> users.getUser(login, null, null), e -> e.getCode() == 404
            ? ApplicationFailure.newNonRetryableFailure(
                "no Okta user with login " + login + " (" + describe(e) + ")", AccessflowTemporal.UNKNOWN_USER)
            : null);
    if (user.getStatus() == UserStatus.DEPROVISIONED || user.getStatus() == UserStatus.SUSPENDED) {
      // Granting a group to an account that cannot sign in is never what the approver meant.
      throw ApplicationFailure.newNonRetryableFailure(
          "Okta user " + login + " is " + user.getStatus() + "; access cannot be granted", AccessflowTemporal.IDP_REJECTED);
    }
    Map<String, Object> profile = profile(user.getProfile());
    String canonicalLogin = text(profile.get("login"));
    return new IdpUser(
        canonicalLogin != null ? canonicalLogin : login,
        user.getId(),
        displayName(profile, login),
        manager(profile),
        config.departmentAttribute() == null ? null : text(profile.get(config.departmentAttribute())),
        user.getLastLogin() == null ? null : user.getLastLogin().toInstant());
  }

  @Override
  public void addMember(Membership membership) {
    // PUT is idempotent in Okta: an existing member gets 204 like a new one.
    call("PUT", "/api/v1/groups/{id}/users/{id}", describe("add", membership), () -> {
      groups.assignUserToGroup(membership.groupId(), membership.userId());
      return null;
    }, e -> e.getCode() == 404 ? notFoundOnAdd(membership, e) : null);
    log.info("request {}: added Okta user {} to group {}", membership.requestId(), membership.userId(), membership.groupId());
  }

  @Override
  public String removeMember(Membership membership) {
    String[] absent = {null};
    call("DELETE", "/api/v1/groups/{id}/users/{id}", describe("remove", membership), () -> {
      try {
        groups.unassignUserFromGroup(membership.groupId(), membership.userId());
      } catch (ApiException e) {
        if (e.getCode() != 404) {
          throw e;
        }
        // Not a member, or the user or group was deleted meanwhile: "not in the group" holds, so
        // this is done (never retried), and the reason goes on the record.
        absent[0] = "Okta answered " + describe(e) + ": the user or group no longer exists, or the user was not a member";
      }
      return null;
    }, e -> null);
    log.info("request {}: removed Okta user {} from group {}{}", membership.requestId(), membership.userId(),
        membership.groupId(), absent[0] != null ? " (nothing to remove: 404)" : "");
    return absent[0];
  }

  @Override
  public boolean isMember(Membership membership) {
    // The user's groups: one call, unpaged in Okta's API; a person is in tens of groups, a group may hold thousands.
    List<Group> memberOf = call("GET", "/api/v1/users/{id}/groups", "list the groups of user " + membership.login(),
        () -> userResources.listUserGroups(membership.userId()), e -> e.getCode() == 404
            ? ApplicationFailure.newNonRetryableFailure("Okta has no user " + membership.userId() + " ("
                + membership.login() + "): " + describe(e), AccessflowTemporal.UNKNOWN_USER)
            : null);
    return memberOf != null && memberOf.stream().anyMatch(g -> membership.groupId().equals(g.getId()));
  }

  // ---- the inventory's listing ----

  @Override
  public Optional<String> groupName(String groupId) {
    OktaGroup group = findGroups(List.of(groupId)).get(groupId);
    return group == null ? Optional.empty() : Optional.ofNullable(group.name()).or(() -> Optional.of(groupId));
  }

  /**
   * One page of {@code GET /api/v1/groups/{groupId}/users}: Okta's cursor is the {@code after}
   * parameter of the response's {@code Link: <...>; rel="next"} header, absent on the last page.
   */
  @Override
  public Page members(String groupId, String cursor, int limit) {
    limits.pace(OktaRateLimits.family("GET", "/api/v1/groups/x/users"), INVENTORY_WATERMARK);
    List<com.okta.sdk.resource.model.User> page;
    List<String> links;
    try {
      page = groups.listGroupUsers(groupId, cursor, limit);
      links = http.lastLinks();
    } catch (ApiException e) {
      throw e.getCode() == 404
          ? ApplicationFailure.newNonRetryableFailure("Okta has no group " + groupId + " (" + describe(e) + ")",
              AccessflowTemporal.UNKNOWN_GROUP)
          : failure("list the members of group " + groupId, e);
    }
    List<DirectoryMember> members = new java.util.ArrayList<>(page == null ? 0 : page.size());
    for (com.okta.sdk.resource.model.User user : page == null ? List.<com.okta.sdk.resource.model.User>of() : page) {
      Map<String, Object> profile = profile(user.getProfile());
      String login = text(profile.get("login"));
      members.add(new DirectoryMember(user.getId(), login, displayName(profile, login == null ? user.getId() : login),
          user.getStatus() == null ? null : user.getStatus().getValue(),
          user.getLastLogin() == null ? null : user.getLastLogin().toInstant(),
          config.departmentAttribute() == null ? null : text(profile.get(config.departmentAttribute())),
          text(profile.get("title")),
          // As the profile holds it (a login or an id): resolving every member's manager would cost a call each.
          config.managerAttribute() == null ? null : text(profile.get(config.managerAttribute()))));
    }
    return new Page(members, nextCursor(links));
  }

  /** The {@code after} of the rel="next" link; null when there is none (the last page). */
  static String nextCursor(List<String> linkHeaders) {
    for (String header : linkHeaders) {
      for (String link : header.split(",(?=\\s*<)")) {
        String[] parts = link.split(";");
        boolean next = java.util.Arrays.stream(parts).skip(1)
            .anyMatch(p -> p.strip().replace(" ", "").replace("\"", "").equalsIgnoreCase("rel=next"));
        String target = parts[0].strip();
        if (!next || !target.startsWith("<") || !target.endsWith(">")) {
          continue;
        }
        String query = java.net.URI.create(target.substring(1, target.length() - 1)).getRawQuery();
        if (query == null) {
          continue;
        }
        for (String pair : query.split("&")) {
          if (pair.startsWith("after=")) {
            return java.net.URLDecoder.decode(pair.substring("after=".length()), java.nio.charset.StandardCharsets.UTF_8);
          }
        }
      }
    }
    return null;
  }

  // ---- reclaim's usage signal: the System Log ----

  /** How long Okta keeps the System Log (90 days on every plan). */
  static final Duration LOG_RETENTION = Duration.ofDays(90);
  /** The System Log's largest page. */
  static final int LOG_PAGE_MAX = 1_000;
  private static final java.time.format.DateTimeFormatter LOG_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

  @Override
  public Duration retention() {
    return LOG_RETENTION;
  }

  /**
   * One page of {@code GET /api/v1/logs}: the successful {@code user.authentication.sso} events
   * whose target is the app, in a bounded window, oldest first. Okta's cursor is the {@code after}
   * of the {@code rel="next"} link, which a bounded query carries until the window is read.
   */
  @Override
  public AppSignIns.SignInPage signIns(String idpApp, Instant since, Instant until, String cursor, int limit) {
    if (idpApp == null || !idpApp.matches("[A-Za-z0-9_-]{1,100}")) {
      // The catalog check refuses such ids; never splice anything else into a filter expression.
      throw ApplicationFailure.newNonRetryableFailure("'" + idpApp + "' is not an Okta app id",
          AccessflowTemporal.IDP_REJECTED);
    }
    String filter = "eventType eq \"user.authentication.sso\" and target.id eq \"" + idpApp
        + "\" and outcome.result eq \"SUCCESS\"";
    limits.pace(OktaRateLimits.family("GET", "/api/v1/logs"), INVENTORY_WATERMARK);
    List<com.okta.sdk.resource.model.LogEvent> events;
    List<String> links;
    try {
      events = new com.okta.sdk.resource.api.SystemLogApi(client).listLogEvents(LOG_TIME.format(since),
          LOG_TIME.format(until), cursor, filter, null, Math.min(Math.max(limit, 1), LOG_PAGE_MAX), "ASCENDING");
      links = http.lastLinks();
    } catch (ApiException e) {
      throw e.getCode() == 403
          ? ApplicationFailure.newNonRetryableFailure("Okta refused to read the System Log for app " + idpApp + " ("
              + describe(e) + "): the API token's admin needs the Read-only Administrator role, or the OAuth"
              + " service app the okta.logs.read scope", AccessflowTemporal.IDP_REJECTED)
          : failure("read the sign-ins to app " + idpApp + " from the System Log", e);
    }
    List<AppSignIns.SignIn> signIns = new java.util.ArrayList<>();
    for (com.okta.sdk.resource.model.LogEvent event : events == null
        ? List.<com.okta.sdk.resource.model.LogEvent>of() : events) {
      var actor = event.getActor();
      // The actor of an SSO event is the person; their login is its alternateId.
      if (actor == null || actor.getAlternateId() == null || event.getPublished() == null
          || actor.getType() != null && !"User".equalsIgnoreCase(actor.getType())) {
        continue;
      }
      signIns.add(new AppSignIns.SignIn(actor.getAlternateId().strip(), actor.getId(),
          event.getPublished().toInstant()));
    }
    return new AppSignIns.SignInPage(signIns, nextCursor(links));
  }

  // ---- catalog discovery ----

  /** An Okta app and the groups assigned to it, as catalog discovery drafts them. */
  public record DiscoveredApp(String id, String label, String status, List<OktaGroup> groups) {}

  /** Pages per listing at most: 200 a page, so 20,000 apps, or groups of one app; a loop never runs away. */
  static final int MAX_DISCOVERY_PAGES = 100;

  /**
   * Every app of the org ({@code GET /api/v1/apps}) with the groups assigned to it
   * ({@code GET /api/v1/apps/{appId}/groups?expand=group}), each listing paged by its Link header.
   */
  public List<DiscoveredApp> discoverApps() {
    com.okta.sdk.resource.api.ApplicationApi apps = new com.okta.sdk.resource.api.ApplicationApi(client);
    com.okta.sdk.resource.api.ApplicationGroupsApi assignments = new com.okta.sdk.resource.api.ApplicationGroupsApi(client);
    List<DiscoveredApp> found = new java.util.ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      String cursor = after;
      List<com.okta.sdk.resource.model.Application> page = call("GET", "/api/v1/apps", "list the org's apps",
          () -> apps.listApplications(null, cursor, null, 200, null, null, null), e -> null);
      after = nextCursor(http.lastLinks());
      for (com.okta.sdk.resource.model.Application app : page == null
          ? List.<com.okta.sdk.resource.model.Application>of() : page) {
        found.add(new DiscoveredApp(app.getId(), app.getLabel(),
            app.getStatus() == null ? null : app.getStatus().getValue(), assignedGroups(assignments, app.getId())));
      }
    } while (after != null && ++pages < MAX_DISCOVERY_PAGES);
    return found;
  }

  private List<OktaGroup> assignedGroups(com.okta.sdk.resource.api.ApplicationGroupsApi assignments, String appId) {
    List<OktaGroup> groups = new java.util.ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      String cursor = after;
      List<com.okta.sdk.resource.model.ApplicationGroupAssignment> page = call("GET", "/api/v1/apps/{id}/groups",
          "list the groups assigned to app " + appId,
          () -> assignments.listApplicationGroupAssignments(appId, null, cursor, 200, "group"), e -> null);
      after = nextCursor(http.lastLinks());
      for (com.okta.sdk.resource.model.ApplicationGroupAssignment assignment : page == null
          ? List.<com.okta.sdk.resource.model.ApplicationGroupAssignment>of() : page) {
        Object embedded = assignment.getEmbedded() == null ? null : assignment.getEmbedded().get("group");
        Map<String, Object> group = embedded == null ? Map.of()
            : client.getObjectMapper().convertValue(embedded, new TypeReference<Map<String, Object>>() {});
        Object profile = group.get("profile");
        String name = profile instanceof Map<?, ?> p ? text(p.get("name")) : null;
        groups.add(new OktaGroup(assignment.getId(), name, text(group.get("type"))));
      }
    } while (after != null && ++pages < MAX_DISCOVERY_PAGES);
    return groups;
  }

  // ---- plain methods for the start-up catalog check and reclaim policies ----

  /** The person's Okta id from their login, whatever their status (removals need no more). */
  public String userId(String login) {
    UserGetSingleton user = call("GET", "/api/v1/users/{id}", "look up user " + login,
        () -> users.getUser(login, null, null), e -> e.getCode() == 404
            ? ApplicationFailure.newNonRetryableFailure("no Okta user with login " + login, AccessflowTemporal.UNKNOWN_USER)
            : null);
    return user.getId();
  }

  /** When the user last signed in; empty if never. Fails {@code UnknownUser} if there is no such user. */
  public Optional<Instant> lastLogin(String userId) {
    UserGetSingleton user = call("GET", "/api/v1/users/{id}", "look up user " + userId,
        () -> users.getUser(userId, null, null), e -> e.getCode() == 404
            ? ApplicationFailure.newNonRetryableFailure("no Okta user " + userId, AccessflowTemporal.UNKNOWN_USER)
            : null);
    return Optional.ofNullable(user.getLastLogin()).map(java.time.OffsetDateTime::toInstant);
  }

  /** The groups among {@code groupIds} that Okta has, with their type; absent ids are missing. */
  public Map<String, OktaGroup> findGroups(Collection<String> groupIds) {
    Map<String, OktaGroup> found = new LinkedHashMap<>();
    for (String id : new LinkedHashSet<>(groupIds)) {
      Group group = call("GET", "/api/v1/groups/{id}", "look up group " + id, () -> {
        try {
          return groups.getGroup(id);
        } catch (ApiException e) {
          if (e.getCode() == 404) {
            return null;
          }
          throw e;
        }
      }, e -> null);
      if (group != null) {
        String name = group.getProfile() == null ? null : group.getProfile().getName();
        found.put(id, new OktaGroup(group.getId(), name, group.getType() == null ? null : group.getType().getValue()));
      }
    }
    return found;
  }

  /** The ids among {@code groupIds} that exist in Okta. */
  public Set<String> existingGroupIds(Collection<String> groupIds) {
    return findGroups(groupIds).keySet();
  }

  /** One Okta group as the catalog check needs it. @param type OKTA_GROUP, APP_GROUP or BUILT_IN */
  public record OktaGroup(String id, String name, String type) {}

  // ---- calls and failures ----

  /**
   * Runs one SDK call after pacing its endpoint family, and turns an {@link ApiException} into the
   * failure Temporal should see. {@code specific} maps the codes a caller treats specially (or
   * returns null for the default mapping).
   */
  private <T> T call(String method, String pathTemplate, String what, Supplier<T> sdkCall,
      Function<ApiException, ApplicationFailure> specific) {
    limits.pace(OktaRateLimits.family(method, pathTemplate.replace("{id}", "x")));
    try {
      return sdkCall.get();
    } catch (ApiException e) {
      ApplicationFailure special = specific.apply(e);
      throw special != null ? special : failure(what, e);
    }
  }

  private ApplicationFailure failure(String what, ApiException e) {
    int code = e.getCode();
    if (code == 0) {
      // No HTTP answer at all: connection refused, timeout, TLS. The cause's message names the host, never a secret.
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return ApplicationFailure.newFailure("Okta unreachable while trying to " + what + ": "
          + cause.getClass().getSimpleName() + ": " + config.redact(cause.getMessage()), IDP_UNAVAILABLE);
    }
    if (code == 429) {
      Duration wait = limits.untilReset(name -> header(e, name));
      // A quarter second past the reset (Okta counts whole seconds), and never a tight loop.
      Duration delay = wait == null ? DEFAULT_RATE_LIMIT_DELAY : max(wait.plusMillis(250), Duration.ofSeconds(1));
      limits.rateLimited(delay);
      return ApplicationFailure.newBuilder()
          .setType(IDP_RATE_LIMITED)
          .setMessage("Okta rate limit hit while trying to " + what + " (" + describe(e) + "); retrying in "
              + delay.toSeconds() + " s, when the window resets")
          .setNextRetryDelay(delay)
          .build();
    }
    if (code >= 500) {
      return ApplicationFailure.newFailure("Okta failed while trying to " + what + ": " + describe(e), IDP_UNAVAILABLE);
    }
    // 400, 401, 403, 405, 409...: Okta understood and refused; repeating the same call will not help.
    return ApplicationFailure.newNonRetryableFailure("Okta refused to " + what + ": " + describe(e),
        AccessflowTemporal.IDP_REJECTED);
  }

  private ApplicationFailure notFoundOnAdd(Membership membership, ApiException e) {
    OktaError error = OktaError.parse(e.getResponseBody());
    // Okta's E0000007 summary names the missing resource; only a missing user is not a group problem.
    boolean userMissing = error.summary() != null && error.summary().contains(membership.userId())
        && !error.summary().contains(membership.groupId());
    return ApplicationFailure.newNonRetryableFailure(
        (userMissing ? "Okta has no user " + membership.userId() : "Okta has no group " + membership.groupId())
            + " (adding " + membership.login() + "): " + describe(e),
        userMissing ? AccessflowTemporal.UNKNOWN_USER : AccessflowTemporal.UNKNOWN_GROUP);
  }

  /** "HTTP 403 E0000006: You do not have permission… (errorId …)", from the parsed body only. */
  private String describe(ApiException e) {
    OktaError error = OktaError.parse(e.getResponseBody());
    StringBuilder out = new StringBuilder("HTTP ").append(e.getCode());
    if (error.code() != null) {
      out.append(' ').append(error.code());
    }
    if (error.summary() != null) {
      out.append(": ").append(error.summary());
    }
    if (error.id() != null) {
      out.append(" (errorId ").append(error.id()).append(')');
    }
    return config.redact(out.toString());
  }

  private static String describe(String verb, Membership m) {
    return verb + " user " + m.login() + " (" + m.userId() + ") " + (verb.equals("add") ? "to" : "from") + " group "
        + m.groupId() + " for request " + m.requestId();
  }

  private static String header(ApiException e, String name) {
    if (e.getResponseHeaders() == null) {
      return null;
    }
    return e.getResponseHeaders().entrySet().stream()
        .filter(h -> h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty())
        .map(h -> h.getValue().get(0))
        .findFirst()
        .orElse(null);
  }

  private Map<String, Object> profile(UserProfile profile) {
    if (profile == null) {
      return Map.of();
    }
    // Through the SDK's own mapper, so custom attributes (additionalProperties) come along.
    return client.getObjectMapper().convertValue(profile, new TypeReference<Map<String, Object>>() {});
  }

  private static String displayName(Map<String, Object> profile, String login) {
    String display = text(profile.get("displayName"));
    if (display != null) {
      return display;
    }
    String first = text(profile.get("firstName"));
    String last = text(profile.get("lastName"));
    String joined = ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
    return joined.isEmpty() ? login : joined;
  }

  /**
   * The manager's login. An attribute value with an {@code @} is taken as a login; anything else
   * (an Okta user id, or a login short name) is looked up once to get the login. A manager Okta
   * does not know is reported as null (and logged), not as a failure of the requester's lookup.
   */
  private String manager(Map<String, Object> profile) {
    if (config.managerAttribute() == null) {
      return null;
    }
    String value = text(profile.get(config.managerAttribute()));
    if (value == null || value.contains("@")) {
      return value;
    }
    try {
      limits.pace(OktaRateLimits.family("GET", "/api/v1/users/x"));
      UserGetSingleton manager = users.getUser(value, null, null);
      String login = text(profile(manager.getProfile()).get("login"));
      return login != null ? login : value;
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        log.warn("manager {} named in attribute {} is not an Okta user; treating as no manager", value, config.managerAttribute());
        return null;
      }
      throw failure("look up manager " + value, e);
    }
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String text(Object value) {
    if (value == null) {
      return null;
    }
    String s = value.toString().strip();
    return s.isEmpty() ? null : s;
  }
}
