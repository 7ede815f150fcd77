package dev.accessflow.activities.entra;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.accessflow.activities.entra.EntraStub.error;
import static dev.accessflow.activities.entra.EntraStub.json;
import static dev.accessflow.activities.entra.EntraStub.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.ClientAuthenticationException;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.GroupDirectory;
import io.temporal.failure.ApplicationFailure;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Entra adapter against a WireMock Graph; every request is checked against Graph's description on close. */
class EntraDirectoryTest {
  static final String ADA = "0a0a0a0a-1111-4222-8333-444444444444";
  static final String BOSS = "0b0b0b0b-1111-4222-8333-444444444444";
  static final String GROUP = "9e9e9e9e-aaaa-4bbb-8ccc-dddddddddddd";
  static final Membership ADA_APP = new Membership("REQ-1", "ada@acme.example", ADA, GROUP);
  static final String ADA_PATH = "/v1.0/users/ada(@|%40)acme\\.example";
  static final String REF_PATH = "/v1.0/groups/" + GROUP + "/members/$ref";
  static final String MEMBER_REF_PATH = "/v1.0/groups/" + GROUP + "/members/" + ADA + "/$ref";

  private final EntraStub entra = new EntraStub();

  @AfterEach
  void checkContract() {
    entra.close();
  }

  // ---- resolveUser ----

  @Test
  void resolvesUserByUserPrincipalNameWithManagerAndDepartmentWithoutReadingSignInActivity() {
    entra.wireMock.stubFor(get(urlPathMatching(ADA_PATH))
        .withHeader("Authorization", matching("Bearer " + java.util.regex.Pattern.quote(EntraStub.TOKEN)))
        .willReturn(json(200, user(ADA, "ada@acme.example", "Ada Lovelace", true, "Engineering"))));
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/users/" + ADA + "/manager"))
        .willReturn(json(200, user(BOSS, "grace@acme.example", "Grace Hopper", true, null))));

    IdpUser user = entra.directory().resolveUser("ada@acme.example");

    assertThat(user).isEqualTo(new IdpUser("ada@acme.example", ADA, "Ada Lovelace", "grace@acme.example", "Engineering", null));
    // signInActivity costs one of ~10 reads a minute: never on the request path.
    entra.wireMock.getAllServeEvents().forEach(e -> assertThat(e.getRequest().getUrl()).doesNotContain("signInActivity"));
  }

  @Test
  void noManagerIsNullNotAFailure() {
    entra.wireMock.stubFor(get(urlPathMatching(ADA_PATH)).willReturn(json(200, user(ADA, "ada@acme.example", "Ada", true, null))));
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/users/" + ADA + "/manager"))
        .willReturn(error(404, "Request_ResourceNotFound", "Resource 'manager' does not exist or one of its queried reference-property objects are not present.")));

    assertThat(entra.directory().resolveUser("ada@acme.example").manager()).isNull();
  }

  @Test
  void unknownUserIsANonRetryableUnknownUser() {
    entra.wireMock.stubFor(get(urlPathMatching("/v1.0/users/nobody(@|%40)acme\\.example")).willReturn(error(404,
        "Request_ResourceNotFound", "Resource 'nobody@acme.example' does not exist or one of its queried reference-property objects are not present.")));

    assertFailure(() -> entra.directory().resolveUser("nobody@acme.example"), AccessflowTemporal.UNKNOWN_USER, true,
        m -> assertThat(m).contains("no Entra user with userPrincipalName nobody@acme.example", "Request_ResourceNotFound"));
  }

  @Test
  void disabledUserIsRefused() {
    entra.wireMock.stubFor(get(urlPathMatching(ADA_PATH)).willReturn(json(200, user(ADA, "ada@acme.example", "Ada", false, null))));

    assertFailure(() -> entra.directory().resolveUser("ada@acme.example"), AccessflowTemporal.IDP_REJECTED, true,
        m -> assertThat(m).contains("disabled"));
  }

  // ---- addMember / removeMember ----

  @Test
  void addPostsAReferenceToTheUsersDirectoryObject() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(aResponse().withStatus(204)));

    entra.directory().addMember(ADA_APP);

    entra.wireMock.verify(postRequestedFor(urlPathEqualTo(REF_PATH)).withRequestBody(
        equalToJson("{\"@odata.id\":\"" + entra.graphUrl() + "/directoryObjects/" + ADA + "\"}")));
  }

  @Test
  void addingAnExistingMemberIsDone() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(error(400, "Request_BadRequest",
        "One or more added object references already exist for the following modified properties: 'members'.")));

    entra.directory().addMember(ADA_APP);

    entra.wireMock.verify(1, postRequestedFor(urlPathEqualTo(REF_PATH)));
  }

  @Test
  void addingToAMissingGroupIsUnknownGroup() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(error(404, "Request_ResourceNotFound",
        "Resource '" + GROUP + "' does not exist or one of its queried reference-property objects are not present.")));

    assertFailure(() -> entra.directory().addMember(ADA_APP), AccessflowTemporal.UNKNOWN_GROUP, true,
        m -> assertThat(m).contains("Entra has no group " + GROUP));
  }

  @Test
  void addingAMissingUserIsUnknownUser() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(error(404, "Request_ResourceNotFound",
        "Resource '" + ADA + "' does not exist or one of its queried reference-property objects are not present.")));

    assertFailure(() -> entra.directory().addMember(ADA_APP), AccessflowTemporal.UNKNOWN_USER, true,
        m -> assertThat(m).contains("Entra has no user " + ADA));
  }

  @Test
  void removeDeletesTheMemberReference() {
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(aResponse().withStatus(204)));

    assertThat(entra.directory().removeMember(ADA_APP)).isNull();

    entra.wireMock.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBER_REF_PATH)));
  }

  @Test
  void removingAnAbsentMemberIsDoneWithTheReason() {
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(error(404, "Request_ResourceNotFound",
        "Resource '" + ADA + "' does not exist or one of its queried reference-property objects are not present.")));

    assertThat(entra.directory().removeMember(ADA_APP)).contains("Entra answered HTTP 404", "was not a member");
  }

  @Test
  void isMemberReadsThePersonsGroupsAcrossPages() {
    String next = entra.graphUrl() + "/users/" + ADA + "/memberOf?$select=id&$top=999&$skiptoken=PAGE2";
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/users/" + ADA + "/memberOf")).withQueryParam("$skiptoken", matching(".*"))
        .willReturn(json(200, "{\"value\":[{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"" + GROUP + "\"}]}")));
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/users/" + ADA + "/memberOf")).atPriority(5)
        .withQueryParam("$top", matching("999")).withQueryParam("$skiptoken", com.github.tomakehurst.wiremock.client.WireMock.absent())
        .willReturn(json(200, "{\"value\":[{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"other\"}],"
            + "\"@odata.nextLink\":\"" + next + "\"}")));

    assertThat(entra.directory().isMember(ADA_APP)).isTrue();
    assertThat(entra.directory().isMember(new Membership("REQ-1", "ada@acme.example", ADA, "not-there"))).isFalse();
  }

  // ---- throttling, outages, tokens ----

  @Test
  void throttledWithRetryAfterWaitsWhatGraphAsked() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(error(429, "TooManyRequests",
        "Too many requests").withHeader("Retry-After", "7")));

    assertFailure(() -> entra.directory().addMember(ADA_APP), AccessflowTemporal.IDP_RATE_LIMITED, false, m ->
        assertThat(m).contains("throttled", "Retry-After"));
    assertThatThrownBy(() -> entra.directory().addMember(ADA_APP)).isInstanceOfSatisfying(ApplicationFailure.class,
        f -> assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(7)));
    // Exactly the two calls above: the SDK's own retry handler is off.
    entra.wireMock.verify(2, postRequestedFor(urlPathEqualTo(REF_PATH)));
  }

  @Test
  void throttledWithoutAHeaderBacksOffWithJitter() {
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(error(429, "TooManyRequests", "Too many requests")));

    assertThatThrownBy(() -> entra.directory().removeMember(ADA_APP)).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_RATE_LIMITED);
      assertThat(f.getNextRetryDelay()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    });
    List<Duration> later = java.util.stream.IntStream.range(0, 50).mapToObj(i -> dev.accessflow.activities.idp.Backoff.jittered(6)).toList();
    assertThat(later).allSatisfy(d -> assertThat(d).isBetween(Duration.ofSeconds(32), Duration.ofSeconds(64)));
    assertThat(later.stream().distinct().count()).as("jittered").isGreaterThan(1);
    assertThat(dev.accessflow.activities.idp.Backoff.jittered(40)).isLessThanOrEqualTo(dev.accessflow.activities.idp.Backoff.MAX);
  }

  @Test
  void anOutageIsRetryableUnavailable() throws Exception {
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(error(503, "ServiceUnavailable", "down")));
    assertFailure(() -> entra.directory().removeMember(ADA_APP), AccessflowTemporal.IDP_UNAVAILABLE, false,
        m -> assertThat(m).contains("HTTP 503"));

    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    EntraConfig nowhere = entra.config.withGraphUrl("http://127.0.0.1:" + closed + "/v1.0");
    EntraDirectory unreachable = new EntraDirectory(EntraDirectory.graphClient(nowhere,
        new com.microsoft.kiota.authentication.AnonymousAuthenticationProvider()), nowhere, Clock.systemUTC());
    assertFailure(() -> unreachable.removeMember(ADA_APP), AccessflowTemporal.IDP_UNAVAILABLE, false,
        m -> assertThat(m).contains("Graph unreachable", "ConnectException"));
  }

  @Test
  void aRefusedTokenIsRejectedAndAnUnreachableTokenEndpointIsRetried() {
    EntraDirectory badSecret = new EntraDirectory(entra.graph(() -> {
      throw new ClientAuthenticationException("ClientSecretCredential authentication failed: AADSTS7000215: Invalid"
          + " client secret provided. Ensure the secret being sent in the request is the client secret value.", null);
    }), entra.config, Clock.systemUTC());
    assertFailure(() -> badSecret.addMember(ADA_APP), AccessflowTemporal.IDP_REJECTED, true, m -> assertThat(m)
        .contains("Entra would not issue a token", "AADSTS7000215: Invalid client secret provided")
        .doesNotContain(EntraStub.SECRET));

    EntraDirectory noEndpoint = new EntraDirectory(entra.graph(() -> {
      throw new ClientAuthenticationException("Failed to acquire token: connection refused", null);
    }), entra.config, Clock.systemUTC());
    assertFailure(() -> noEndpoint.addMember(ADA_APP), AccessflowTemporal.IDP_UNAVAILABLE, false,
        m -> assertThat(m).contains("no token from Entra"));
    // Neither reached Graph. One stubbed call keeps the contract check from being vacuous.
    assertThat(entra.wireMock.getAllServeEvents()).isEmpty();
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(aResponse().withStatus(204)));
    entra.directory().removeMember(ADA_APP);
  }

  @Test
  void forbiddenNamesThePermissions() {
    entra.wireMock.stubFor(post(urlPathEqualTo(REF_PATH)).willReturn(error(403, "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.")));

    assertFailure(() -> entra.directory().addMember(ADA_APP), AccessflowTemporal.IDP_REJECTED, true,
        m -> assertThat(m).contains("Authorization_RequestDenied", "GroupMember.ReadWrite.All"));
  }

  // ---- the inventory ----

  @Test
  void listsPeopleOnlyAcrossPagesWithLastSignInsWithinGraphsBudget() {
    StringBuilder first = new StringBuilder("{\"value\":[");
    for (int i = 0; i < 12; i++) {
      first.append(user(String.format("0c0c0c0c-1111-4222-8333-%012d", i), "p" + i + "@acme.example", "Person " + i,
          i != 3, "Sales")).append(',');
    }
    first.append("{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"nested-group\",\"displayName\":\"Nested\"}],")
        .append("\"@odata.nextLink\":\"").append(entra.graphUrl()).append("/groups/").append(GROUP)
        .append("/members?$top=500&$skiptoken=X2\"}");
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/groups/" + GROUP + "/members")).atPriority(5)
        .withQueryParam("$skiptoken", com.github.tomakehurst.wiremock.client.WireMock.absent())
        .willReturn(json(200, first.toString())));
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/groups/" + GROUP + "/members")).withQueryParam("$skiptoken", matching("X2"))
        .willReturn(json(200, "{\"value\":[" + user(BOSS, "grace@acme.example", "Grace", true, null) + "]}")));
    entra.wireMock.stubFor(get(urlPathMatching("/v1.0/users/0c0c0c0c-[^/]+")).withQueryParam("$select", matching(".*signInActivity.*"))
        .willReturn(json(200, "{\"id\":\"x\",\"signInActivity\":{\"lastSignInDateTime\":\"2026-11-01T08:00:00Z\","
            + "\"lastNonInteractiveSignInDateTime\":\"2026-11-20T08:00:00Z\"}}")));
    Clock frozen = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);
    EntraDirectory directory = entra.directory(frozen);

    GroupDirectory.Page page = directory.members(GROUP, null, 500);
    GroupDirectory.Page last = directory.members(GROUP, page.next(), 500);

    assertThat(page.members()).hasSize(12).noneMatch(m -> m.userId().equals("nested-group"));
    assertThat(page.members().get(3).status()).isEqualTo("SUSPENDED");
    assertThat(page.members().get(0).status()).isEqualTo("ACTIVE");
    assertThat(page.members().get(0).login()).isEqualTo("p0@acme.example");
    assertThat(page.members().get(0).lastLogin()).isEqualTo(Instant.parse("2026-11-20T08:00:00Z"));
    // 9 reads in the minute, never more: the rest wait for a later sync.
    assertThat(page.members().stream().filter(m -> m.lastLogin() != null)).hasSize(EntraDirectory.SIGN_IN_ACTIVITY_PER_MINUTE);
    entra.wireMock.verify(EntraDirectory.SIGN_IN_ACTIVITY_PER_MINUTE, getRequestedFor(urlPathMatching("/v1.0/users/[^/]+")));
    assertThat(page.next()).contains("$skiptoken=X2");
    assertThat(last.members()).extracting(m -> m.login()).containsExactly("grace@acme.example");
    assertThat(last.next()).isNull();
  }

  @Test
  void aCursorOffTheGraphRootIsRefused() {
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/groups/" + GROUP + "/members")).willReturn(json(200, "{\"value\":[]}")));
    assertThat(entra.directory().members(GROUP, null, 10).next()).isNull();

    assertFailure(() -> entra.directory().members(GROUP, "https://evil.example/v1.0/groups/x/members", 10),
        AccessflowTemporal.IDP_REJECTED, true, m -> assertThat(m).contains("not a Graph members cursor"));
  }

  // ---- the catalog check ----

  @Test
  void catalogCheckRefusesMissingDynamicAndOnPremisesGroupsByName() {
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/groups/g-ok")).willReturn(json(200,
        "{\"id\":\"g-ok\",\"displayName\":\"App users\",\"groupTypes\":[],\"onPremisesSyncEnabled\":null}")));
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/groups/g-dyn")).willReturn(json(200,
        "{\"id\":\"g-dyn\",\"displayName\":\"All sales\",\"groupTypes\":[\"DynamicMembership\"],"
            + "\"membershipRule\":\"user.department -eq \\\"Sales\\\"\"}")));
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/groups/g-ad")).willReturn(json(200,
        "{\"id\":\"g-ad\",\"displayName\":\"AD admins\",\"groupTypes\":[],\"onPremisesSyncEnabled\":true}")));
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/groups/g-gone")).willReturn(error(404, "Request_ResourceNotFound", "gone")));

    EntraDirectory.CatalogCheck check = entra.directory().checkCatalog(List.of("g-ok", "g-dyn", "g-ad", "g-gone"));
    List<String> problems = check.problems();

    assertThat(problems).hasSize(3);
    assertThat(problems.get(0)).contains("g-dyn", "All sales", "dynamic group");
    assertThat(problems.get(1)).contains("g-ad", "AD admins", "on-premises Active Directory");
    assertThat(problems.get(2)).contains("g-gone", "does not exist in Entra tenant " + EntraStub.TENANT);
    assertThat(check.names()).containsEntry("g-ok", "App users").containsEntry("g-dyn", "All sales");
    assertThat(entra.directory().groupName("g-ok")).contains("App users");
  }

  // ---- reclaim's sign-in log ----

  @Test
  void readsSuccessfulSignInsToTheApplicationInTheWindowOldestFirst() {
    String app = "22222222-3333-4444-8555-666666666666";
    entra.wireMock.stubFor(get(urlPathEqualTo("/v1.0/auditLogs/signIns")).willReturn(json(200, """
        {"value":[
          {"id":"s2","createdDateTime":"2026-12-02T09:00:00Z","userPrincipalName":"ada@acme.example","userId":"%s","appId":"%s"},
          {"id":"s1","createdDateTime":"2026-12-01T09:00:00Z","userPrincipalName":"grace@acme.example","userId":"%s","appId":"%s"}
        ]}""".formatted(ADA, app, BOSS, app))));

    var page = entra.directory().signIns(app, Instant.parse("2026-11-03T10:00:00Z"), Instant.parse("2026-12-03T10:00:00Z"), null, 500);

    assertThat(page.signIns()).extracting(s -> s.login()).containsExactly("grace@acme.example", "ada@acme.example");
    assertThat(page.next()).isNull();
    String filter = entra.wireMock.getAllServeEvents().get(0).getRequest().queryParameter("$filter").firstValue();
    assertThat(filter).isEqualTo("appId eq '" + app + "' and status/errorCode eq 0 and createdDateTime ge"
        + " 2026-11-03T10:00:00Z and createdDateTime le 2026-12-03T09:59:59Z");
    assertFailure(() -> entra.directory().signIns("x' or 1 eq 1", Instant.EPOCH, Instant.now(), null, 10),
        AccessflowTemporal.IDP_REJECTED, true, m -> assertThat(m).contains("not an Entra application"));
  }

  // ---- the contract itself ----

  @Test
  void graphsDescriptionCatchesAWrongRequest() throws Exception {
    // Okta's shape sent to Graph: PUT /groups/{id}/users/{id}; and an add without $ref.
    entra.wireMock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathMatching("/v1.0/groups/.*"))
        .atPriority(20).willReturn(aResponse().withStatus(204)));
    HttpClient http = HttpClient.newHttpClient();
    http.send(HttpRequest.newBuilder(URI.create(entra.graphUrl() + "/groups/" + GROUP + "/users/" + ADA))
        .header("Authorization", "Bearer x").PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    http.send(HttpRequest.newBuilder(URI.create(entra.graphUrl() + "/groups/" + GROUP + "/members"))
        .header("Authorization", "Bearer x").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + ADA + "\"}")).build(), HttpResponse.BodyHandlers.discarding());

    List<String> violations = entra.contract.violations(entra.wireMock);

    assertThat(violations).hasSizeGreaterThanOrEqualTo(2);
    assertThat(String.join("\n", violations)).contains("PUT /v1.0/groups/" + GROUP + "/users/" + ADA,
        "POST /v1.0/groups/" + GROUP + "/members");
    System.out.println("Graph's description refused:\n  " + String.join("\n  ", violations));
    entra.wireMock.resetRequests();
    entra.wireMock.stubFor(delete(urlPathEqualTo(MEMBER_REF_PATH)).willReturn(aResponse().withStatus(204)));
    entra.directory().removeMember(ADA_APP);
  }

  static void assertFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String type, boolean nonRetryable,
      Consumer<String> message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(type);
      assertThat(f.isNonRetryable()).as("non-retryable").isEqualTo(nonRetryable);
      assertThat(f.getOriginalMessage()).doesNotContain(EntraStub.SECRET);
      message.accept(f.getOriginalMessage());
    });
  }
}
