package dev.accessflow.activities.entra;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.Group;
import com.microsoft.graph.models.ReferenceCreate;
import com.microsoft.graph.models.SignInCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AuthenticationProvider;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
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
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link IdentityProvider}, {@link GroupDirectory} and {@link AppSignIns} ports on Entra ID,
 * through the Microsoft Graph Java SDK (v1.0) signed in with azure-identity.
 *
 * <p>Failure contract, as for Okta: no such user → non-retryable {@code UnknownUser}; no such group
 * on add → {@code UnknownGroup}; a disabled account, or any other refusal (401, 403, 4xx) →
 * non-retryable {@code IdpRejected} naming Graph's error code and the permission it needs; 429 →
 * retryable {@code IdpRateLimited} that waits the {@code Retry-After} Graph sent, or an exponential
 * backoff with jitter when it sent none; 5xx, timeouts and connection errors → retryable
 * {@code IdpUnavailable}. The SDK's own retry handler is off: Temporal owns every retry, so each
 * attempt is in history and no activity thread sleeps out a hidden loop.
 */
public final class EntraDirectory implements IdentityProvider, GroupDirectory, AppSignIns {
  private static final Logger log = LoggerFactory.getLogger(EntraDirectory.class);

  /** Graph's application scope: whatever application permissions were granted with admin consent. */
  public static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";
  /** Graph answers signInActivity about 10 times a minute per app and tenant; keep one spare. */
  static final int SIGN_IN_ACTIVITY_PER_MINUTE = 9;
  /** A last sign-in is read again after this long: reviews and reclaim think in days. */
  static final Duration SIGN_IN_ACTIVITY_TTL = Duration.ofHours(6);
  /** How long Entra keeps sign-in logs (P1/P2 tenants; free tenants keep 7 days). */
  static final Duration LOG_RETENTION = Duration.ofDays(30);
  /** The largest page Graph serves for members (999) and sign-ins (1,000). */
  static final int MEMBERS_PAGE_MAX = 999;
  static final int SIGN_INS_PAGE_MAX = 1_000;
  /** Pages of a person's groups read for isMember at most: 999 a page. */
  static final int MAX_MEMBER_OF_PAGES = 20;

  private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");
  private static final String[] USER_FIELDS = {"id", "userPrincipalName", "mail", "displayName", "accountEnabled",
      "department", "jobTitle"};
  private static final DateTimeFormatter FILTER_TIME = DateTimeFormatter.ISO_INSTANT;

  private final GraphServiceClient graph;
  private final EntraConfig config;
  private final LastSignIns signInReads;
  private volatile boolean signInActivityRefused;

  /** @param graph a client from {@link #graphClient(EntraConfig, AuthenticationProvider)} */
  public EntraDirectory(GraphServiceClient graph, EntraConfig config, Clock clock) {
    this.graph = graph;
    this.config = config;
    this.signInReads = new LastSignIns(clock, SIGN_IN_ACTIVITY_PER_MINUTE, SIGN_IN_ACTIVITY_TTL, 100_000);
  }

  /** The production wiring: azure-identity with the client secret or certificate, the system clock. */
  public static EntraDirectory fromConfig(EntraConfig config) {
    List<String> problems = config.problems();
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new EntraDirectory(graphClient(config, credentialAuth(config)), config, Clock.systemUTC());
  }

  /** azure-identity's credential for the app registration; it fetches and refreshes tokens itself. */
  static AuthenticationProvider credentialAuth(EntraConfig config) {
    TokenCredential credential;
    if (config.usesCertificate()) {
      String pem = config.certificate().strip();
      ClientCertificateCredentialBuilder builder = tokenHttp(config, new ClientCertificateCredentialBuilder()
          .tenantId(config.tenantId().strip()).clientId(config.clientId().strip()).authorityHost(config.authorityHost()));
      credential = (pem.startsWith("-----BEGIN")
          ? builder.pemCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          : builder.pemCertificate(requireFile(pem))).build();
    } else {
      credential = tokenHttp(config, new ClientSecretCredentialBuilder().tenantId(config.tenantId().strip())
          .clientId(config.clientId().strip()).clientSecret(config.clientSecret().strip())
          .authorityHost(config.authorityHost())).build();
    }
    return new AzureIdentityAuthenticationProvider(credential, new String[] {URI.create(config.graphUrl()).getHost()},
        GRAPH_SCOPE);
  }

  /** Microsoft's login hosts; any other (Azure Stack, a test) skips MSAL's instance discovery, which would ask the public cloud. */
  private static final Set<String> MICROSOFT_LOGIN_HOSTS = Set.of("login.microsoftonline.com", "login.microsoftonline.us",
      "login.chinacloudapi.cn", "login.partner.microsoftonline.cn", "login.microsoft.com");

  private static <B extends com.azure.identity.AadCredentialBuilderBase<B>> B tokenHttp(EntraConfig config, B builder) {
    if (!MICROSOFT_LOGIN_HOSTS.contains(URI.create(config.authorityHost()).getHost())) {
      builder.disableInstanceDiscovery();
    }
    if (config.trustsExtraCa()) {
      ExtraCaTrust trust = ExtraCaTrust.of(config.trustedCa());
      builder.httpClient(new com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder(new OkHttpClient.Builder()
          .sslSocketFactory(trust.socketFactory(), trust.trustManager()).build()).build());
    }
    return builder;
  }

  private static String requireFile(String path) {
    if (!Files.isRegularFile(Path.of(path))) {
      throw new IllegalArgumentException("idp.entra.certificate: " + path + " is neither a PEM nor a readable file");
    }
    return path;
  }

  /**
   * A Graph client on {@code config.graphUrl()}, with the SDK's retry handler off (Temporal retries)
   * and the request timeout applied to the whole call.
   */
  public static GraphServiceClient graphClient(EntraConfig config, AuthenticationProvider auth) {
    RetryHandlerOption noRetry = new RetryHandlerOption((delay, attempt, request, response) -> false, 0, 0);
    OkHttpClient.Builder builder = GraphClientFactory.create(new RequestOption[] {noRetry})
        .callTimeout(config.requestTimeout());
    if (config.trustsExtraCa()) {
      ExtraCaTrust trust = ExtraCaTrust.of(config.trustedCa());
      builder.sslSocketFactory(trust.socketFactory(), trust.trustManager());
    }
    OkHttpClient http = builder.build();
    GraphServiceClient client = new GraphServiceClient(auth, http);
    client.getRequestAdapter().setBaseUrl(config.graphUrl());
    return client;
  }

  // ---- the port ----

  /** By userPrincipalName (or object id); a disabled account is refused. */
  @Override
  public IdpUser resolveUser(String login) {
    User user = call("look up user " + login, () -> graph.users().byUserId(login).get(rc ->
        rc.queryParameters.select = USER_FIELDS), e -> status(e) == 404
            ? ApplicationFailure.newNonRetryableFailure("no Entra user with userPrincipalName " + login + " ("
                + describe(e) + ")", AccessflowTemporal.UNKNOWN_USER)
            : null);
    if (Boolean.FALSE.equals(user.getAccountEnabled())) {
      // Granting a group to an account that cannot sign in is never what the approver meant.
      throw ApplicationFailure.newNonRetryableFailure("Entra user " + login + " is disabled (accountEnabled=false);"
          + " access cannot be granted", AccessflowTemporal.IDP_REJECTED);
    }
    String canonical = text(user.getUserPrincipalName());
    return new IdpUser(canonical != null ? canonical : login, user.getId(),
        text(user.getDisplayName()) != null ? user.getDisplayName().strip() : login, manager(user.getId()),
        text(user.getDepartment()), signInReads.known(user.getId()).map(LastSignIns.Known::lastSignIn).orElse(null));
  }

  /** The person's object id from their userPrincipalName, whether or not the account is enabled (removals need no more). */
  public String userId(String login) {
    User user = call("look up the id of " + login, () -> graph.users().byUserId(login).get(rc ->
        rc.queryParameters.select = new String[] {"id"}), e -> status(e) == 404
            ? ApplicationFailure.newNonRetryableFailure("no Entra user with userPrincipalName " + login + " ("
                + describe(e) + ")", AccessflowTemporal.UNKNOWN_USER)
            : null);
    return user.getId();
  }

  @Override
  public void addMember(Membership membership) {
    ReferenceCreate reference = new ReferenceCreate();
    reference.setOdataId(config.graphUrl() + "/directoryObjects/" + membership.userId());
    boolean[] already = {false};
    call(describe("add", membership), () -> {
      try {
        graph.groups().byGroupId(membership.groupId()).members().ref().post(reference);
      } catch (ApiException e) {
        // Graph answers an existing member with 400 "added object references already exist": done.
        if (status(e) == 400 && message(e).toLowerCase().contains("already exist")) {
          already[0] = true;
          return null;
        }
        throw e;
      }
      return null;
    }, e -> status(e) == 404 ? notFoundOnAdd(membership, e) : null);
    log.info("request {}: added Entra user {} to group {}{}", membership.requestId(), membership.userId(),
        membership.groupId(), already[0] ? " (already a member)" : "");
  }

  @Override
  public String removeMember(Membership membership) {
    String[] absent = {null};
    call(describe("remove", membership), () -> {
      try {
        graph.groups().byGroupId(membership.groupId()).members().byDirectoryObjectId(membership.userId()).ref().delete();
      } catch (ApiException e) {
        if (status(e) != 404) {
          throw e;
        }
        // Not a member, or the user or group was deleted meanwhile: "not in the group" holds.
        absent[0] = "Entra answered " + describe(e) + ": the user or group no longer exists, or the user was not a member";
      }
      return null;
    }, e -> null);
    log.info("request {}: removed Entra user {} from group {}{}", membership.requestId(), membership.userId(),
        membership.groupId(), absent[0] != null ? " (nothing to remove: 404)" : "");
    return absent[0];
  }

  /** The person's direct groups ({@code /users/{id}/memberOf}), paged: a person is in tens, a group may hold thousands. */
  @Override
  public boolean isMember(Membership membership) {
    String what = "list the groups of user " + membership.login();
    Function<ApiException, ApplicationFailure> unknown = e -> status(e) == 404
        ? ApplicationFailure.newNonRetryableFailure("Entra has no user " + membership.userId() + " ("
            + membership.login() + "): " + describe(e), AccessflowTemporal.UNKNOWN_USER)
        : null;
    DirectoryObjectCollectionResponse page = call(what, () -> graph.users().byUserId(membership.userId()).memberOf()
        .get(rc -> {
          rc.queryParameters.select = new String[] {"id"};
          rc.queryParameters.top = MEMBERS_PAGE_MAX;
        }), unknown);
    for (int pages = 1; page != null; pages++) {
      if (page.getValue() != null && page.getValue().stream().anyMatch(o -> membership.groupId().equals(o.getId()))) {
        return true;
      }
      String next = nextLink(page.getOdataNextLink(), "/users/");
      if (next == null || pages >= MAX_MEMBER_OF_PAGES) {
        return false;
      }
      page = call(what, () -> graph.users().byUserId(membership.userId()).memberOf().withUrl(next).get(), unknown);
    }
    return false;
  }

  // ---- the inventory's listing ----

  @Override
  public Optional<String> groupName(String groupId) {
    EntraGroup group = findGroups(List.of(groupId)).get(groupId);
    return group == null ? Optional.empty() : Optional.ofNullable(group.name()).or(() -> Optional.of(groupId));
  }

  /**
   * One page of {@code GET /groups/{id}/members}; the cursor is Graph's {@code @odata.nextLink}.
   * Members that are not people (nested groups, devices, service principals) are not listed. Each
   * member's last sign-in comes from what was read before, topped up within the signInActivity
   * budget, so a sync of thousands never spends more than Graph allows.
   */
  @Override
  public Page members(String groupId, String cursor, int limit) {
    String next = cursor == null ? null : nextLink(cursor, "/groups/");
    if (cursor != null && next == null) {
      throw ApplicationFailure.newNonRetryableFailure("not a Graph members cursor for group " + groupId,
          AccessflowTemporal.IDP_REJECTED);
    }
    String what = "list the members of group " + groupId;
    Function<ApiException, ApplicationFailure> unknown = e -> status(e) == 404
        ? ApplicationFailure.newNonRetryableFailure("Entra has no group " + groupId + " (" + describe(e) + ")",
            AccessflowTemporal.UNKNOWN_GROUP)
        : null;
    DirectoryObjectCollectionResponse page = next != null
        ? call(what, () -> graph.groups().byGroupId(groupId).members().withUrl(next).get(), unknown)
        : call(what, () -> graph.groups().byGroupId(groupId).members().get(rc -> {
          rc.queryParameters.select = USER_FIELDS;
          rc.queryParameters.top = Math.min(Math.max(limit, 1), MEMBERS_PAGE_MAX);
        }), unknown);
    List<DirectoryMember> members = new ArrayList<>();
    for (DirectoryObject object : page == null || page.getValue() == null ? List.<DirectoryObject>of() : page.getValue()) {
      if (!(object instanceof User user) || user.getId() == null) {
        continue;
      }
      String login = text(user.getUserPrincipalName());
      members.add(new DirectoryMember(user.getId(), login, text(user.getDisplayName()) != null
          ? user.getDisplayName().strip() : login, Boolean.FALSE.equals(user.getAccountEnabled()) ? "SUSPENDED" : "ACTIVE",
          lastSignIn(user.getId()).orElse(null), text(user.getDepartment()), text(user.getJobTitle()), null));
    }
    return new Page(members, page == null ? null : nextLink(page.getOdataNextLink(), "/groups/"));
  }

  /**
   * When the person last signed in, from {@code signInActivity}: remembered for {@link
   * #SIGN_IN_ACTIVITY_TTL}, read only within Graph's budget (otherwise what is remembered, or empty).
   * A tenant without the licence or the AuditLog.Read.All permission is asked once, then not again.
   */
  public Optional<Instant> lastSignIn(String userId) {
    if (signInActivityRefused || !signInReads.stale(userId) || !signInReads.tryAcquire()) {
      return signInReads.known(userId).map(LastSignIns.Known::lastSignIn);
    }
    try {
      User user = graph.users().byUserId(userId).get(rc -> rc.queryParameters.select = new String[] {"id", "signInActivity"});
      var activity = user == null ? null : user.getSignInActivity();
      OffsetDateTime at = activity == null ? null : latest(activity.getLastSignInDateTime(),
          activity.getLastNonInteractiveSignInDateTime());
      signInReads.remember(userId, at == null ? null : at.toInstant());
    } catch (ApiException e) {
      if (status(e) == 403) {
        signInActivityRefused = true;
        log.warn("Entra refused signInActivity ({}): last sign-ins need AuditLog.Read.All and an Entra ID P1 licence;"
            + " reviews and reclaim go without them", describe(e));
      } else {
        log.info("Entra signInActivity of {} not read now ({}); kept what was known", userId, describe(e));
      }
    } catch (RuntimeException e) {
      log.info("Entra signInActivity of {} not read now ({}); kept what was known", userId, e.getClass().getSimpleName());
    }
    return signInReads.known(userId).map(LastSignIns.Known::lastSignIn);
  }

  // ---- reclaim's usage signal: the sign-in log ----

  @Override
  public Duration retention() {
    return LOG_RETENTION;
  }

  /**
   * One page of {@code GET /auditLogs/signIns}: the successful sign-ins to the application whose
   * application (client) id is {@code idpApp}, in [since, until).
   */
  @Override
  public SignInPage signIns(String idpApp, Instant since, Instant until, String cursor, int limit) {
    if (idpApp == null || !GUID.matcher(idpApp).matches()) {
      // Never splice anything but a GUID into a filter expression.
      throw ApplicationFailure.newNonRetryableFailure("'" + idpApp + "' is not an Entra application (client) id",
          AccessflowTemporal.IDP_REJECTED);
    }
    String next = cursor == null ? null : nextLink(cursor, "/auditLogs/signIns");
    String what = "read the sign-ins to application " + idpApp;
    Function<ApiException, ApplicationFailure> refused = e -> status(e) == 403
        ? ApplicationFailure.newNonRetryableFailure("Entra refused to read the sign-in log for application " + idpApp
            + " (" + describe(e) + "): the app registration needs the AuditLog.Read.All application permission"
            + " with admin consent, and the tenant an Entra ID P1 licence", AccessflowTemporal.IDP_REJECTED)
        : null;
    String filter = "appId eq '" + idpApp + "' and status/errorCode eq 0 and createdDateTime ge "
        + FILTER_TIME.format(since.truncatedTo(ChronoUnit.SECONDS)) + " and createdDateTime le "
        + FILTER_TIME.format(until.minusSeconds(1).truncatedTo(ChronoUnit.SECONDS));
    SignInCollectionResponse page = next != null
        ? call(what, () -> graph.auditLogs().signIns().withUrl(next).get(), refused)
        : call(what, () -> graph.auditLogs().signIns().get(rc -> {
          rc.queryParameters.filter = filter;
          rc.queryParameters.top = Math.min(Math.max(limit, 1), SIGN_INS_PAGE_MAX);
        }), refused);
    List<SignIn> signIns = new ArrayList<>();
    for (com.microsoft.graph.models.SignIn signIn : page == null || page.getValue() == null
        ? List.<com.microsoft.graph.models.SignIn>of() : page.getValue()) {
      if (text(signIn.getUserPrincipalName()) == null || signIn.getCreatedDateTime() == null) {
        continue;
      }
      signIns.add(new SignIn(signIn.getUserPrincipalName().strip(), signIn.getUserId(),
          signIn.getCreatedDateTime().toInstant()));
    }
    signIns.sort(java.util.Comparator.comparing(SignIn::at));
    return new SignInPage(signIns, page == null ? null : nextLink(page.getOdataNextLink(), "/auditLogs/signIns"));
  }

  // ---- the start-up catalog check ----

  /**
   * One Entra group as the catalog check needs it.
   *
   * @param dynamic membership is computed by a rule: no one can be added or removed
   * @param synced owned by on-premises AD through Entra Connect: changes must be made there
   */
  public record EntraGroup(String id, String name, boolean dynamic, boolean synced) {}

  /** The groups among {@code groupIds} that exist in the tenant; absent ids are missing. */
  public Map<String, EntraGroup> findGroups(Collection<String> groupIds) {
    Map<String, EntraGroup> found = new LinkedHashMap<>();
    for (String id : new LinkedHashSet<>(groupIds)) {
      Group group = call("look up group " + id, () -> {
        try {
          return graph.groups().byGroupId(id).get(rc -> rc.queryParameters.select = new String[] {"id", "displayName",
              "groupTypes", "membershipRule", "onPremisesSyncEnabled"});
        } catch (ApiException e) {
          if (status(e) == 404) {
            return null;
          }
          throw e;
        }
      }, e -> null);
      if (group != null) {
        boolean dynamic = group.getGroupTypes() != null && group.getGroupTypes().contains("DynamicMembership")
            || text(group.getMembershipRule()) != null;
        found.put(id, new EntraGroup(id, text(group.getDisplayName()), dynamic,
            Boolean.TRUE.equals(group.getOnPremisesSyncEnabled())));
      }
    }
    return found;
  }

  /**
   * The start-up check's answer.
   *
   * @param problems one line per catalog group that cannot be used, naming it and why; empty when all can
   * @param names each found group's display name by id (tickets and messages name groups with it)
   */
  public record CatalogCheck(List<String> problems, Map<String, String> names) {}

  /** Checks that every catalog group exists and can take direct membership changes. */
  public CatalogCheck checkCatalog(Collection<String> groupIds) {
    Map<String, EntraGroup> found = findGroups(groupIds);
    Map<String, String> names = new LinkedHashMap<>();
    found.forEach((id, group) -> {
      if (group.name() != null) {
        names.put(id, group.name());
      }
    });
    List<String> problems = new ArrayList<>();
    for (String id : new LinkedHashSet<>(groupIds)) {
      EntraGroup group = found.get(id);
      if (group == null) {
        problems.add("catalog group " + id + " does not exist in Entra tenant " + config.tenantId());
      } else if (group.dynamic()) {
        problems.add("catalog group " + id + " (" + group.name() + ") is a dynamic group: Entra computes its members"
            + " from a rule, so no one can be added or removed");
      } else if (group.synced()) {
        problems.add("catalog group " + id + " (" + group.name() + ") is synced from on-premises Active Directory:"
            + " its members can only be changed there");
      }
    }
    return new CatalogCheck(List.copyOf(problems), Map.copyOf(names));
  }

  // ---- calls and failures ----

  private <T> T call(String what, Supplier<T> sdkCall, Function<ApiException, ApplicationFailure> specific) {
    try {
      return sdkCall.get();
    } catch (ApiException e) {
      ApplicationFailure special = specific.apply(e);
      throw special != null ? special : failure(what, e);
    } catch (ApplicationFailure e) {
      throw e;
    } catch (RuntimeException e) {
      throw unanswered(what, e);
    }
  }

  private ApplicationFailure failure(String what, ApiException e) {
    int code = status(e);
    if (code == 0) {
      return unanswered(what, e);
    }
    if (code == 429 || code == 503 && header(e, "Retry-After") != null) {
      Duration wait = Backoff.retryAfter(header(e, "Retry-After"));
      Duration delay = Backoff.delay(header(e, "Retry-After"));
      return ApplicationFailure.newBuilder()
          .setType(code == 429 ? AccessflowTemporal.IDP_RATE_LIMITED : AccessflowTemporal.IDP_UNAVAILABLE)
          .setMessage("Graph " + (code == 429 ? "throttled" : "was unavailable for") + " the call to " + what + " ("
              + describe(e) + "); retrying in " + delay.toMillis() / 1000.0 + " s"
              + (wait != null ? ", as its Retry-After asked" : ", backing off"))
          .setNextRetryDelay(delay)
          .build();
    }
    if (code >= 500) {
      return ApplicationFailure.newFailure("Graph failed while trying to " + what + ": " + describe(e),
          AccessflowTemporal.IDP_UNAVAILABLE);
    }
    if (code == 401 || code == 403) {
      return ApplicationFailure.newNonRetryableFailure("Graph refused to " + what + ": " + describe(e)
          + " (the app registration needs the GroupMember.ReadWrite.All, User.Read.All and Group.Read.All"
          + " application permissions with admin consent)", AccessflowTemporal.IDP_REJECTED);
    }
    return ApplicationFailure.newNonRetryableFailure("Graph refused to " + what + ": " + describe(e),
        AccessflowTemporal.IDP_REJECTED);
  }

  /** No HTTP answer from Graph: a token that could not be had, or no connection at all. */
  private ApplicationFailure unanswered(String what, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ClientAuthenticationException auth) {
        String reason = aadsts(auth.getMessage());
        // AADSTS codes are Entra refusing the app's credentials (wrong or expired secret, unknown app): no retry fixes that.
        return reason != null
            ? ApplicationFailure.newNonRetryableFailure("Entra would not issue a token to " + what + ": " + reason
                + " (check idp.entra.tenantId, clientId and the secret or certificate)", AccessflowTemporal.IDP_REJECTED)
            : ApplicationFailure.newFailure("no token from Entra to " + what + ": " + config.redact(auth.getMessage()),
                AccessflowTemporal.IDP_UNAVAILABLE);
      }
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof UnsupportedOperationException) {
      // Kiota cannot read a failed answer that is not JSON: a proxy or gateway answered, not Graph.
      return ApplicationFailure.newFailure("Graph's answer to the call to " + what + " was an error that is not JSON"
          + " (a proxy or gateway in between?)", AccessflowTemporal.IDP_UNAVAILABLE);
    }
    return ApplicationFailure.newFailure("Graph unreachable while trying to " + what + ": "
        + root.getClass().getSimpleName() + (root instanceof IOException && root.getMessage() != null
            ? ": " + config.redact(root.getMessage()) : ""), AccessflowTemporal.IDP_UNAVAILABLE);
  }

  /** "AADSTS7000215: Invalid client secret provided." out of an MSAL message; null when there is none. */
  static String aadsts(String message) {
    if (message == null) {
      return null;
    }
    var m = Pattern.compile("AADSTS\\d+[^\\r\\n.]*").matcher(message);
    return m.find() ? m.group() : null;
  }

  private ApplicationFailure notFoundOnAdd(Membership membership, ApiException e) {
    // Graph's 404 names the missing resource by id.
    boolean userMissing = message(e).contains(membership.userId()) && !message(e).contains(membership.groupId());
    return ApplicationFailure.newNonRetryableFailure(
        (userMissing ? "Entra has no user " + membership.userId() : "Entra has no group " + membership.groupId())
            + " (adding " + membership.login() + "): " + describe(e),
        userMissing ? AccessflowTemporal.UNKNOWN_USER : AccessflowTemporal.UNKNOWN_GROUP);
  }

  /** The manager's userPrincipalName; null when none is set (Graph answers 404) or it is not a person. */
  private String manager(String userId) {
    try {
      DirectoryObject manager = graph.users().byUserId(userId).manager().get(rc ->
          rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"});
      return manager instanceof User user ? text(user.getUserPrincipalName()) : null;
    } catch (ApiException e) {
      if (status(e) == 404) {
        return null;
      }
      throw failure("look up the manager of " + userId, e);
    } catch (RuntimeException e) {
      throw unanswered("look up the manager of " + userId, e);
    }
  }

  /** A next link is followed only when it stays on the configured Graph root and resource. */
  private String nextLink(String link, String resource) {
    return link != null && link.startsWith(config.graphUrl() + resource) ? link : null;
  }

  private static int status(ApiException e) {
    return e.getResponseStatusCode();
  }

  private static String message(ApiException e) {
    if (e instanceof ODataError odata && odata.getError() != null && odata.getError().getMessage() != null) {
      return odata.getError().getMessage();
    }
    return e.getMessage() == null ? "" : e.getMessage();
  }

  /** "HTTP 403 Authorization_RequestDenied: Insufficient privileges…", from Graph's parsed error only. */
  private String describe(ApiException e) {
    StringBuilder out = new StringBuilder("HTTP ").append(status(e));
    if (e instanceof ODataError odata && odata.getError() != null) {
      if (odata.getError().getCode() != null) {
        out.append(' ').append(odata.getError().getCode());
      }
      if (odata.getError().getMessage() != null) {
        out.append(": ").append(odata.getError().getMessage());
      }
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
    for (Map.Entry<String, Set<String>> h : e.getResponseHeaders().entrySet()) {
      if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && h.getValue() != null && !h.getValue().isEmpty()) {
        return h.getValue().iterator().next();
      }
    }
    return null;
  }

  private static OffsetDateTime latest(OffsetDateTime a, OffsetDateTime b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  private static String text(String value) {
    if (value == null) {
      return null;
    }
    String s = value.strip();
    return s.isEmpty() ? null : s;
  }
}
