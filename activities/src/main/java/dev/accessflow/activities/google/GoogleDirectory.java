package dev.accessflow.activities.google;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.directory.Directory;
import com.google.api.services.directory.model.Group;
import com.google.api.services.directory.model.Member;
import com.google.api.services.directory.model.Members;
import com.google.api.services.directory.model.User;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.accessflow.activities.idp.Backoff;
import dev.accessflow.activities.idp.LastSignIns;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.AppSignIns;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IdentityProvider}, {@link GroupDirectory} and {@link AppSignIns} ports on Google
 * Workspace: the Admin SDK Directory client for people and groups, and the Reports API (called
 * over HTTP with the same credentials: no usable Reports client is served here) for sign-ins.
 *
 * <p>Failure contract, as for Okta and Entra: no such user → non-retryable {@code UnknownUser}; no
 * such group on add → {@code UnknownGroup}; a suspended or archived account, or any other refusal →
 * non-retryable {@code IdpRejected}; 429 {@code rateLimitExceeded} and 403
 * {@code userRateLimitExceeded}/{@code rateLimitExceeded}/{@code quotaExceeded} → retryable
 * {@code IdpRateLimited} after a {@code Retry-After} or an exponential backoff with jitter; 5xx and
 * connection errors → retryable {@code IdpUnavailable}. The client library does not retry on its
 * own here (no back-off handler is installed); Temporal owns every retry.
 */
public final class GoogleDirectory implements IdentityProvider, GroupDirectory, AppSignIns {
  private static final Logger log = LoggerFactory.getLogger(GoogleDirectory.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Google's reasons that mean "slow down", whatever the status (403 or 429). */
  static final Set<String> RATE_REASONS = Set.of("userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded");
  /** users.get reads for last logins in the inventory, per minute: the Directory API allows far more, the sync need not take it. */
  static final int PROFILE_READS_PER_MINUTE = 120;
  static final Duration PROFILE_TTL = Duration.ofHours(6);
  /** How far back the Reports API answers (180 days). */
  static final Duration REPORTS_RETENTION = Duration.ofDays(180);
  static final int MEMBERS_PAGE_MAX = 200;
  static final int ACTIVITIES_PAGE_MAX = 1_000;
  /** Google says "never" with the epoch. */
  private static final Instant NEVER = Instant.EPOCH;
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
  private static final Pattern SAML_APP = Pattern.compile("[A-Za-z0-9 ._()-]{1,100}");

  private final Directory directory;
  private final HttpTransport transport;
  private final HttpRequestInitializer auth;
  private final GoogleConfig config;
  private final LastSignIns lastLogins;

  /**
   * @param credentials already scoped and delegated (production: {@link #credentials(GoogleConfig)})
   */
  public GoogleDirectory(GoogleConfig config, GoogleCredentials credentials, HttpTransport transport, Clock clock) {
    this.config = config;
    this.transport = transport;
    HttpCredentialsAdapter adapter = new HttpCredentialsAdapter(credentials);
    int timeout = (int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toMillis());
    this.auth = request -> {
      adapter.initialize(request);
      request.setConnectTimeout(timeout).setReadTimeout(timeout);
    };
    this.directory = new Directory.Builder(transport, GsonFactory.getDefaultInstance(), auth)
        .setApplicationName("accessflow").setRootUrl(config.rootUrl()).build();
    this.lastLogins = new LastSignIns(clock, PROFILE_READS_PER_MINUTE, PROFILE_TTL, 100_000);
  }

  /** The production wiring: the service account's key, delegated to the admin; Google's transport; the system clock. */
  public static GoogleDirectory fromConfig(GoogleConfig config) {
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new GoogleDirectory(config, credentials(config), new NetHttpTransport(), Clock.systemUTC());
  }

  /** The service account's credentials with accessflow's scopes, acting as the configured admin. */
  public static GoogleCredentials credentials(GoogleConfig config) {
    String key = config.serviceAccountKey().strip();
    try (InputStream in = key.startsWith("{")
        ? new ByteArrayInputStream(key.getBytes(StandardCharsets.UTF_8))
        : Files.newInputStream(Path.of(key))) {
      // google-auth would retry a failed token fetch itself, sleeping on the activity thread: Temporal retries instead.
      return ServiceAccountCredentials.fromStream(in).toBuilder().setDefaultRetriesEnabled(false)
          .setScopes(GoogleConfig.SCOPES).setServiceAccountUser(config.adminEmail().strip()).build();
    } catch (IOException | RuntimeException e) {
      // Never the key's text: only what kind of problem it is.
      throw new IllegalArgumentException("idp.google.serviceAccountKey: not a readable service account JSON key ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  // ---- the port ----

  /** By primary email (or alias); a suspended or archived account is refused. */
  @Override
  public IdpUser resolveUser(String login) {
    User user = call("look up user " + login, () -> directory.users().get(login).setProjection("full").execute(),
        (status, reason, message) -> status == 404
            ? ApplicationFailure.newNonRetryableFailure("no Google Workspace user " + login + " (HTTP 404 " + message
                + ")", AccessflowTemporal.UNKNOWN_USER)
            : null);
    if (Boolean.TRUE.equals(user.getSuspended()) || Boolean.TRUE.equals(user.getArchived())) {
      throw ApplicationFailure.newNonRetryableFailure("Google Workspace user " + login + " is "
          + (Boolean.TRUE.equals(user.getSuspended()) ? "suspended" : "archived") + "; access cannot be granted",
          AccessflowTemporal.IDP_REJECTED);
    }
    Instant last = lastLogin(user);
    lastLogins.remember(user.getId(), last);
    return new IdpUser(text(user.getPrimaryEmail()) != null ? user.getPrimaryEmail().strip() : login, user.getId(),
        user.getName() != null && text(user.getName().getFullName()) != null ? user.getName().getFullName().strip() : login,
        manager(user), department(user), last);
  }

  @Override
  public void addMember(Membership membership) {
    boolean[] already = {false};
    call(describe("add", membership), () -> {
      try {
        return directory.members().insert(membership.groupId(), new Member().setEmail(membership.login()).setRole("MEMBER"))
            .execute();
      } catch (GoogleJsonResponseException e) {
        // 409 "Member already exists": done.
        if (e.getStatusCode() == 409) {
          already[0] = true;
          return null;
        }
        throw e;
      }
    }, (status, reason, message) -> status == 404 ? notFoundOnAdd(membership, message) : null);
    log.info("request {}: added Google user {} to group {}{}", membership.requestId(), membership.login(),
        membership.groupId(), already[0] ? " (already a member)" : "");
  }

  @Override
  public String removeMember(Membership membership) {
    String[] absent = {null};
    call(describe("remove", membership), () -> {
      try {
        directory.members().delete(membership.groupId(), membership.userId()).execute();
      } catch (GoogleJsonResponseException e) {
        if (e.getStatusCode() != 404) {
          throw e;
        }
        absent[0] = "Google answered HTTP 404 " + message(e) + ": the user or group no longer exists, or the user was not a member";
      }
      return null;
    }, (status, reason, message) -> null);
    log.info("request {}: removed Google user {} from group {}{}", membership.requestId(), membership.login(),
        membership.groupId(), absent[0] != null ? " (nothing to remove: 404)" : "");
    return absent[0];
  }

  /** {@code members.hasMember}: direct or nested; either way the person has the group's access already. */
  @Override
  public boolean isMember(Membership membership) {
    var answer = call("ask whether " + membership.login() + " is in group " + membership.groupId(),
        () -> directory.members().hasMember(membership.groupId(), membership.userId()).execute(),
        (status, reason, message) -> status == 404
            ? ApplicationFailure.newNonRetryableFailure("Google has no group " + membership.groupId() + " or user "
                + membership.login() + " (HTTP 404 " + message + ")", AccessflowTemporal.UNKNOWN_USER)
            : null);
    return answer != null && Boolean.TRUE.equals(answer.getIsMember());
  }

  // ---- the inventory's listing ----

  @Override
  public Optional<String> groupName(String groupId) {
    GoogleGroup group = findGroups(List.of(groupId)).get(groupId);
    return group == null ? Optional.empty() : Optional.ofNullable(group.name()).or(() -> Optional.of(groupId));
  }

  /**
   * One page of {@code members.list}. Members that are not people (nested groups, the whole
   * customer) are not listed. Each person's last login and department come from users.get, read
   * within a per-minute budget and remembered, so a sync of thousands fills in over successive syncs.
   */
  @Override
  public Page members(String groupId, String cursor, int limit) {
    Members page = call("list the members of group " + groupId, () -> directory.members().list(groupId)
        .setMaxResults(Math.min(Math.max(limit, 1), MEMBERS_PAGE_MAX)).setPageToken(cursor).execute(),
        (status, reason, message) -> status == 404
            ? ApplicationFailure.newNonRetryableFailure("Google has no group " + groupId + " (HTTP 404 " + message + ")",
                AccessflowTemporal.UNKNOWN_GROUP)
            : null);
    List<DirectoryMember> members = new ArrayList<>();
    for (Member member : page == null || page.getMembers() == null ? List.<Member>of() : page.getMembers()) {
      if (!"USER".equalsIgnoreCase(member.getType()) || member.getId() == null) {
        continue;
      }
      members.add(new DirectoryMember(member.getId(), text(member.getEmail()), text(member.getEmail()),
          "SUSPENDED".equalsIgnoreCase(member.getStatus()) ? "SUSPENDED" : "ACTIVE", lastLogin(member.getId()).orElse(null),
          null, null, null));
    }
    return new Page(members, page == null ? null : text(page.getNextPageToken()));
  }

  /** When the person last signed in: remembered for a while, read within the budget, else what is known. */
  public Optional<Instant> lastLogin(String userId) {
    if (lastLogins.stale(userId) && lastLogins.tryAcquire()) {
      try {
        User user = directory.users().get(userId).setFields("id,lastLoginTime").execute();
        lastLogins.remember(userId, lastLogin(user));
      } catch (IOException | RuntimeException e) {
        log.info("Google last login of {} not read now ({}); kept what was known", userId, e.getClass().getSimpleName());
      }
    }
    return lastLogins.known(userId).map(LastSignIns.Known::lastSignIn);
  }

  // ---- reclaim's usage signal: the Reports API ----

  @Override
  public Duration retention() {
    return REPORTS_RETENTION;
  }

  /**
   * One page of {@code activities.list}. {@code idpApp} names the app as Google logs it:
   * {@code saml:<application name>} (a SAML app: {@code saml/login_success} events) or
   * {@code oauth:<client id>} (an OAuth app: {@code token/activity} events, its API use).
   */
  @Override
  public SignInPage signIns(String idpApp, Instant since, Instant until, String cursor, int limit) {
    String application;
    String event;
    String filter;
    if (idpApp != null && idpApp.startsWith("saml:") && SAML_APP.matcher(idpApp.substring(5)).matches()) {
      application = "saml";
      event = "login_success";
      filter = "application_name==" + idpApp.substring(5);
    } else if (idpApp != null && idpApp.startsWith("oauth:") && CLIENT_ID.matcher(idpApp.substring(6)).matches()) {
      application = "token";
      event = "activity";
      filter = "client_id==" + idpApp.substring(6);
    } else {
      throw ApplicationFailure.newNonRetryableFailure("'" + idpApp + "' is not a Google app: use saml:<application name>"
          + " or oauth:<client id>", AccessflowTemporal.IDP_REJECTED);
    }
    GenericUrl url = new GenericUrl(config.rootUrl() + "admin/reports/v1/activity/users/all/applications/" + application);
    url.put("customerId", config.customer());
    url.put("eventName", event);
    url.put("filters", filter);
    url.put("startTime", since.truncatedTo(ChronoUnit.MILLIS).toString());
    url.put("endTime", until.truncatedTo(ChronoUnit.MILLIS).toString());
    url.put("maxResults", Math.min(Math.max(limit, 1), ACTIVITIES_PAGE_MAX));
    if (cursor != null) {
      url.put("pageToken", cursor);
    }
    JsonNode body = call("read the sign-ins to " + idpApp + " from the Reports API", () -> {
      var response = transport.createRequestFactory(auth).buildGetRequest(url).execute();
      try (InputStream in = response.getContent()) {
        return JSON.readTree(in);
      } finally {
        response.disconnect();
      }
    }, (status, reason, message) -> status == 403 && !RATE_REASONS.contains(reason)
        ? ApplicationFailure.newNonRetryableFailure("Google refused to read the Reports API for " + idpApp + " (HTTP 403 "
            + message + "): the delegation needs the admin.reports.audit.readonly scope, and the admin the"
            + " Reports privilege", AccessflowTemporal.IDP_REJECTED)
        : null);
    List<SignIn> signIns = new ArrayList<>();
    for (JsonNode item : body.path("items")) {
      String email = text(item.path("actor").path("email").asText(null));
      String at = item.path("id").path("time").asText(null);
      if (email == null || at == null) {
        continue;
      }
      signIns.add(new SignIn(email, text(item.path("actor").path("profileId").asText(null)), Instant.parse(at)));
    }
    signIns.sort(java.util.Comparator.comparing(SignIn::at));
    return new SignInPage(signIns, text(body.path("nextPageToken").asText(null)));
  }

  // ---- the start-up catalog check ----

  /** One group as the catalog check needs it (the group's email is the catalog's key). */
  public record GoogleGroup(String key, String id, String name) {}

  /** The start-up check's answer, as for Entra. */
  public record CatalogCheck(List<String> problems, Map<String, String> names) {}

  /** The groups among {@code groupKeys} the admin can see; absent keys are missing. */
  public Map<String, GoogleGroup> findGroups(Collection<String> groupKeys) {
    Map<String, GoogleGroup> found = new LinkedHashMap<>();
    for (String key : new LinkedHashSet<>(groupKeys)) {
      Group group = call("look up group " + key, () -> {
        try {
          return directory.groups().get(key).execute();
        } catch (GoogleJsonResponseException e) {
          if (e.getStatusCode() == 404) {
            return null;
          }
          throw e;
        }
      }, (status, reason, message) -> null);
      if (group != null) {
        found.put(key, new GoogleGroup(key, group.getId(), text(group.getName())));
      }
    }
    return found;
  }

  /**
   * Checks every catalog group exists and the admin may manage it: a group Google answers 403 for
   * (outside the admin's role) is refused by name, like a missing one.
   */
  public CatalogCheck checkCatalog(Collection<String> groupKeys) {
    List<String> problems = new ArrayList<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (String key : new LinkedHashSet<>(groupKeys)) {
      try {
        GoogleGroup group = findGroups(List.of(key)).get(key);
        if (group == null) {
          problems.add("catalog group " + key + " does not exist in Google Workspace (or is not visible to "
              + config.adminEmail() + ")");
        } else if (group.name() != null) {
          names.put(key, group.name());
        }
      } catch (ApplicationFailure refused) {
        if (!AccessflowTemporal.IDP_REJECTED.equals(refused.getType())) {
          throw refused;
        }
        problems.add("catalog group " + key + " cannot be managed by " + config.adminEmail() + ": "
            + refused.getOriginalMessage());
      }
    }
    return new CatalogCheck(List.copyOf(problems), Map.copyOf(names));
  }

  // ---- calls and failures ----

  /** The codes a caller treats specially; null for the default mapping. */
  @FunctionalInterface
  private interface Specific {
    ApplicationFailure map(int status, String reason, String message);
  }

  @FunctionalInterface
  private interface GoogleCall<T> {
    T run() throws IOException;
  }

  private <T> T call(String what, GoogleCall<T> call, Specific specific) {
    try {
      return call.run();
    } catch (HttpResponseException e) {
      String[] error = error(e);
      ApplicationFailure special = specific.map(e.getStatusCode(), error[0], error[1]);
      throw special != null ? special : failure(what, e.getStatusCode(), error[0], error[1],
          e.getHeaders() == null ? null : e.getHeaders().getRetryAfter());
    } catch (IOException e) {
      throw unanswered(what, e);
    } catch (ApplicationFailure e) {
      throw e;
    } catch (RuntimeException e) {
      // The client or google-auth failed without an HTTP answer (no I/O error either): retried, named.
      throw ApplicationFailure.newFailure("Google call to " + what + " failed: " + e.getClass().getSimpleName(),
          AccessflowTemporal.IDP_UNAVAILABLE);
    }
  }

  private ApplicationFailure failure(String what, int status, String reason, String message, String retryAfter) {
    String described = "HTTP " + status + (reason != null ? " " + reason : "") + (message != null ? ": " + message : "");
    if (status == 429 || RATE_REASONS.contains(reason)) {
      Duration delay = Backoff.delay(retryAfter);
      return ApplicationFailure.newBuilder().setType(AccessflowTemporal.IDP_RATE_LIMITED)
          .setMessage("Google rate-limited the call to " + what + " (" + described + "); retrying in "
              + delay.toMillis() / 1000.0 + " s" + (Backoff.retryAfter(retryAfter) != null ? ", as its Retry-After asked" : ", backing off"))
          .setNextRetryDelay(delay).build();
    }
    if (status >= 500) {
      return ApplicationFailure.newFailure("Google failed while trying to " + what + ": " + described,
          AccessflowTemporal.IDP_UNAVAILABLE);
    }
    if (status == 401 || status == 403) {
      return ApplicationFailure.newNonRetryableFailure("Google refused to " + what + ": " + described
          + " (the service account's domain-wide delegation needs the scopes " + String.join(", ", GoogleConfig.SCOPES)
          + ", and " + config.adminEmail() + " the Groups and Users admin privileges)", AccessflowTemporal.IDP_REJECTED);
    }
    return ApplicationFailure.newNonRetryableFailure("Google refused to " + what + ": " + described,
        AccessflowTemporal.IDP_REJECTED);
  }

  /** No HTTP answer: no token (google-auth says whether trying again can help), or no connection. */
  private ApplicationFailure unanswered(String what, IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof com.google.auth.Retryable auth && t instanceof IOException) {
        String reason = tokenError(t.getMessage());
        return auth.isRetryable() || reason == null
            ? ApplicationFailure.newFailure("no token from Google to " + what + " (" + (reason != null ? reason
                : t.getClass().getSimpleName()) + ")", AccessflowTemporal.IDP_UNAVAILABLE)
            : ApplicationFailure.newNonRetryableFailure("Google would not issue a token to " + what + ": " + reason
                + " (check the service account key, its domain-wide delegation and the scopes, and idp.google.adminEmail)",
                AccessflowTemporal.IDP_REJECTED);
      }
    }
    return ApplicationFailure.newFailure("Google unreachable while trying to " + what + ": "
        + e.getClass().getSimpleName() + (e.getMessage() != null && e.getMessage().length() < 200 ? ": " + e.getMessage() : ""),
        AccessflowTemporal.IDP_UNAVAILABLE);
  }

  /** The OAuth error code out of google-auth's message ("invalid_grant", "unauthorized_client"); null when none. */
  static String tokenError(String message) {
    if (message == null) {
      return null;
    }
    var m = Pattern.compile("\"error\"\\s*:\\s*\"([a-z_]+)\"(?:[^}]*\"error_description\"\\s*:\\s*\"([^\"]{0,200})\")?")
        .matcher(message);
    return m.find() ? m.group(1) + (m.group(2) != null ? ": " + m.group(2) : "") : null;
  }

  /** [reason, message] from Google's error body ({"error":{"errors":[{"reason":...}],"message":...}}). */
  private static String[] error(HttpResponseException e) {
    if (e instanceof GoogleJsonResponseException json && json.getDetails() != null) {
      var details = json.getDetails();
      String reason = details.getErrors() != null && !details.getErrors().isEmpty()
          ? details.getErrors().get(0).getReason() : null;
      return new String[] {reason, details.getMessage()};
    }
    try {
      JsonNode body = JSON.readTree(e.getContent() == null ? "{}" : e.getContent()).path("error");
      return new String[] {text(body.path("errors").path(0).path("reason").asText(null)), text(body.path("message").asText(null))};
    } catch (IOException notJson) {
      return new String[] {null, null};
    }
  }

  private static String message(GoogleJsonResponseException e) {
    return e.getDetails() != null && e.getDetails().getMessage() != null ? e.getDetails().getMessage() : "";
  }

  private ApplicationFailure notFoundOnAdd(Membership membership, String message) {
    // Google's 404 names what is missing: "Resource Not Found: memberKey" or "…: groupKey".
    boolean userMissing = message != null && message.contains("memberKey");
    return ApplicationFailure.newNonRetryableFailure(
        (userMissing ? "Google has no user " + membership.login() : "Google has no group " + membership.groupId())
            + " (adding " + membership.login() + "): HTTP 404 " + message,
        userMissing ? AccessflowTemporal.UNKNOWN_USER : AccessflowTemporal.UNKNOWN_GROUP);
  }

  private static Instant lastLogin(User user) {
    if (user.getLastLoginTime() == null) {
      return null;
    }
    Instant at = Instant.ofEpochMilli(user.getLastLoginTime().getValue());
    return at.equals(NEVER) ? null : at;
  }

  /** The first relation of type manager: Google keeps the manager's email there. */
  private static String manager(User user) {
    if (user.getRelations() instanceof List<?> relations) {
      for (Object relation : relations) {
        if (relation instanceof Map<?, ?> r && "manager".equals(String.valueOf(r.get("type")))) {
          return text(r.get("value") == null ? null : r.get("value").toString());
        }
      }
    }
    return null;
  }

  /** The primary organization's department, else the first one's. */
  private static String department(User user) {
    if (user.getOrganizations() instanceof List<?> organizations) {
      String first = null;
      for (Object organization : organizations) {
        if (organization instanceof Map<?, ?> o && o.get("department") != null) {
          if (Boolean.TRUE.equals(o.get("primary"))) {
            return text(o.get("department").toString());
          }
          first = first == null ? text(o.get("department").toString()) : first;
        }
      }
      return first;
    }
    return null;
  }

  private static String describe(String verb, Membership m) {
    return verb + " user " + m.login() + " (" + m.userId() + ") " + (verb.equals("add") ? "to" : "from") + " group "
        + m.groupId() + " for request " + m.requestId();
  }

  private static String text(String value) {
    if (value == null) {
      return null;
    }
    String s = value.strip();
    return s.isEmpty() ? null : s;
  }
}
