package dev.accessflow.activities.google;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.accessflow.activities.google.GoogleStub.error;
import static dev.accessflow.activities.google.GoogleStub.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** The Google Workspace adapter against a WireMock Google; every request is checked against Google's discovery documents on close. */
class GoogleDirectoryTest {
  static final String ADA_ID = "100200300400500600700";
  static final String GROUP = "eng-drive@acme.example";
  static final Membership ADA_DRIVE = new Membership("REQ-1", "ada@acme.example", ADA_ID, GROUP);
  static final String USERS = "/admin/directory/v1/users/";
  static final String MEMBERS = "/admin/directory/v1/groups/eng-drive(@|%40)acme\\.example/members";
  static final String ADA_MEMBER = MEMBERS + "/" + ADA_ID;

  private final GoogleStub google = new GoogleStub();

  @AfterEach
  void checkContract() {
    google.close();
  }

  static String user(String id, String email, boolean suspended, String lastLogin) {
    return """
        {"kind":"admin#directory#user","id":"%s","primaryEmail":"%s","name":{"fullName":"Ada Lovelace"},
         "suspended":%s,"archived":false,"lastLoginTime":"%s",
         "relations":[{"value":"grace@acme.example","type":"manager"}],
         "organizations":[{"department":"Research"},{"department":"Engineering","primary":true}]}"""
        .formatted(id, email, suspended, lastLogin);
  }

  // ---- resolveUser ----

  @Test
  void resolvesUserWithManagerDepartmentAndLastLogin() {
    google.wireMock.stubFor(get(urlPathMatching(USERS + "ada(@|%40)acme\\.example")).withQueryParam("projection", equalTo("full"))
        .withHeader("Authorization", equalTo("Bearer " + GoogleStub.TOKEN))
        .willReturn(json(200, user(ADA_ID, "ada@acme.example", false, "2026-11-30T08:15:00.000Z"))));

    IdpUser user = google.directory().resolveUser("ada@acme.example");

    assertThat(user).isEqualTo(new IdpUser("ada@acme.example", ADA_ID, "Ada Lovelace", "grace@acme.example", "Engineering",
        Instant.parse("2026-11-30T08:15:00Z")));
  }

  @Test
  void neverLoggedInIsNullAndSuspendedIsRefused() {
    google.wireMock.stubFor(get(urlPathMatching(USERS + "ada(@|%40)acme\\.example"))
        .willReturn(json(200, user(ADA_ID, "ada@acme.example", false, "1970-01-01T00:00:00.000Z"))));
    google.wireMock.stubFor(get(urlPathMatching(USERS + "sus(@|%40)acme\\.example"))
        .willReturn(json(200, user("9", "sus@acme.example", true, "2026-11-30T08:15:00.000Z"))));

    assertThat(google.directory().resolveUser("ada@acme.example").lastLogin()).isNull();
    assertFailure(() -> google.directory().resolveUser("sus@acme.example"), AccessflowTemporal.IDP_REJECTED, true,
        m -> assertThat(m).contains("suspended"));
  }

  @Test
  void unknownUserIsUnknownUser() {
    google.wireMock.stubFor(get(urlPathMatching(USERS + "nobody(@|%40)acme\\.example"))
        .willReturn(error(404, "notFound", "Resource Not Found: userKey")));

    assertFailure(() -> google.directory().resolveUser("nobody@acme.example"), AccessflowTemporal.UNKNOWN_USER, true,
        m -> assertThat(m).contains("no Google Workspace user nobody@acme.example"));
  }

  // ---- membership ----

  @Test
  void addInsertsTheMemberByEmailAsMember() {
    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).willReturn(json(200,
        "{\"kind\":\"admin#directory#member\",\"id\":\"" + ADA_ID + "\",\"email\":\"ada@acme.example\",\"role\":\"MEMBER\",\"type\":\"USER\"}")));

    google.directory().addMember(ADA_DRIVE);

    google.wireMock.verify(postRequestedFor(urlPathMatching(MEMBERS))
        .withRequestBody(equalToJson("{\"email\":\"ada@acme.example\",\"role\":\"MEMBER\"}")));
  }

  @Test
  void addingAnExistingMemberIsDone() {
    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).willReturn(error(409, "duplicate", "Member already exists.")));

    google.directory().addMember(ADA_DRIVE);

    google.wireMock.verify(1, postRequestedFor(urlPathMatching(MEMBERS)));
  }

  @Test
  void addingToAMissingGroupOrAMissingPersonSaysWhich() {
    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).willReturn(error(404, "notFound", "Resource Not Found: groupKey")));
    assertFailure(() -> google.directory().addMember(ADA_DRIVE), AccessflowTemporal.UNKNOWN_GROUP, true,
        m -> assertThat(m).contains("Google has no group " + GROUP));

    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).willReturn(error(404, "notFound", "Resource Not Found: memberKey")));
    assertFailure(() -> google.directory().addMember(ADA_DRIVE), AccessflowTemporal.UNKNOWN_USER, true,
        m -> assertThat(m).contains("Google has no user ada@acme.example"));
  }

  @Test
  void removeDeletesAndAnAbsentMemberIsDoneWithTheReason() {
    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).willReturn(aResponse().withStatus(204)));
    assertThat(google.directory().removeMember(ADA_DRIVE)).isNull();

    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).willReturn(error(404, "notFound", "Resource Not Found: memberKey")));
    assertThat(google.directory().removeMember(ADA_DRIVE)).contains("Google answered HTTP 404", "was not a member");
    google.wireMock.verify(2, deleteRequestedFor(urlPathMatching(ADA_MEMBER)));
  }

  @Test
  void isMemberAsksHasMember() {
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/groups/eng-drive(@|%40)acme\\.example/hasMember/" + ADA_ID))
        .willReturn(json(200, "{\"isMember\":true}")));
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/groups/eng-drive(@|%40)acme\\.example/hasMember/other"))
        .willReturn(json(200, "{\"isMember\":false}")));

    assertThat(google.directory().isMember(ADA_DRIVE)).isTrue();
    assertThat(google.directory().isMember(new Membership("REQ-1", "o@acme.example", "other", GROUP))).isFalse();
  }

  // ---- throttling, outages, tokens ----

  @Test
  void userRateLimitWithoutAHeaderBacksOffAndRateLimitWithRetryAfterWaitsIt() {
    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).willReturn(error(403, "userRateLimitExceeded", "User Rate Limit Exceeded")));
    assertThatThrownBy(() -> google.directory().addMember(ADA_DRIVE)).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_RATE_LIMITED);
      assertThat(f.isNonRetryable()).isFalse();
      assertThat(f.getNextRetryDelay()).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    });

    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).willReturn(error(429, "rateLimitExceeded", "Rate Limit Exceeded")
        .withHeader("Retry-After", "5")));
    assertThatThrownBy(() -> google.directory().removeMember(ADA_DRIVE)).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_RATE_LIMITED);
      assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(5));
    });
    // One call each: the client library did not retry by itself.
    google.wireMock.verify(1, postRequestedFor(urlPathMatching(MEMBERS)));
    google.wireMock.verify(1, deleteRequestedFor(urlPathMatching(ADA_MEMBER)));
  }

  @Test
  void anOutageIsRetryableAndAPermissionRefusalNamesTheScopes() throws Exception {
    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).willReturn(error(503, "backendError", "Backend Error")));
    assertFailure(() -> google.directory().removeMember(ADA_DRIVE), AccessflowTemporal.IDP_UNAVAILABLE, false,
        m -> assertThat(m).contains("HTTP 503 backendError"));

    google.wireMock.stubFor(post(urlPathMatching(MEMBERS)).willReturn(error(403, "forbidden", "Not Authorized to access this resource/api")));
    assertFailure(() -> google.directory().addMember(ADA_DRIVE), AccessflowTemporal.IDP_REJECTED, true,
        m -> assertThat(m).contains("admin.directory.group.member", GoogleStub.ADMIN));

    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    GoogleConfig nowhere = google.config.withRootUrl("http://127.0.0.1:" + closed + "/");
    GoogleDirectory unreachable = new GoogleDirectory(nowhere, GoogleStub.fixedToken(),
        new com.google.api.client.http.javanet.NetHttpTransport(), Clock.systemUTC());
    assertFailure(() -> unreachable.removeMember(ADA_DRIVE), AccessflowTemporal.IDP_UNAVAILABLE, false,
        m -> assertThat(m).contains("Google unreachable", "ConnectException"));
  }

  @Test
  void theServiceAccountsTokenIsFetchedAndARefusedOneIsRejectedWhileAnOutageIsRetried() throws Exception {
    google.wireMock.stubFor(post(urlPathEqualTo("/token")).atPriority(5)
        .willReturn(json(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid email or User ID\"}")));
    assertFailure(() -> google.directory(google.serviceAccount()).addMember(ADA_DRIVE), AccessflowTemporal.IDP_REJECTED, true,
        m -> assertThat(m).contains("Google would not issue a token", "invalid_grant", "Invalid email or User ID"));
    google.wireMock.verify(0, postRequestedFor(urlPathMatching(MEMBERS)));

    google.wireMock.stubFor(post(urlPathEqualTo("/token")).atPriority(4)
        .willReturn(json(503, "{\"error\":\"internal_failure\"}")));
    assertFailure(() -> google.directory(google.serviceAccount()).addMember(ADA_DRIVE), AccessflowTemporal.IDP_UNAVAILABLE, false,
        m -> assertThat(m).contains("no token from Google"));

    // A token endpoint that answers: the JWT grant for the admin, then the call with the token it gave.
    google.wireMock.stubFor(post(urlPathEqualTo("/token")).atPriority(1)
        .withRequestBody(matching(".*grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer.*"))
        .willReturn(json(200, "{\"access_token\":\"ya29.from-the-flow\",\"token_type\":\"Bearer\",\"expires_in\":3599}")));
    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).withHeader("Authorization", equalTo("Bearer ya29.from-the-flow"))
        .willReturn(aResponse().withStatus(204)));
    assertThat(google.directory(google.serviceAccount()).removeMember(ADA_DRIVE)).isNull();
  }

  // ---- the inventory ----

  @Test
  void listsPeopleOnlyAcrossPagesWithLastLoginsWithinTheBudget() {
    StringBuilder first = new StringBuilder("{\"kind\":\"admin#directory#members\",\"members\":[");
    for (int i = 0; i < 3; i++) {
      first.append("{\"id\":\"u").append(i).append("\",\"email\":\"p").append(i).append("@acme.example\",\"role\":\"MEMBER\",\"type\":\"USER\",\"status\":\"")
          .append(i == 2 ? "SUSPENDED" : "ACTIVE").append("\"},");
    }
    first.append("{\"id\":\"g1\",\"email\":\"nested@acme.example\",\"role\":\"MEMBER\",\"type\":\"GROUP\"}],\"nextPageToken\":\"P2\"}");
    google.wireMock.stubFor(get(urlPathMatching(MEMBERS)).atPriority(5).willReturn(json(200, first.toString())));
    google.wireMock.stubFor(get(urlPathMatching(MEMBERS)).withQueryParam("pageToken", equalTo("P2"))
        .willReturn(json(200, "{\"members\":[{\"id\":\"u9\",\"email\":\"last@acme.example\",\"type\":\"USER\",\"status\":\"ACTIVE\"}]}")));
    google.wireMock.stubFor(get(urlPathMatching(USERS + "u[0-9]")).willReturn(json(200,
        "{\"id\":\"u\",\"lastLoginTime\":\"2026-11-29T10:00:00.000Z\"}")));
    GoogleDirectory directory = google.directory(Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC));

    GroupDirectory.Page page = directory.members(GROUP, null, 500);
    GroupDirectory.Page last = directory.members(GROUP, page.next(), 500);
    directory.members(GROUP, null, 500); // a second sync within the ttl reads no profiles again

    assertThat(page.members()).extracting(m -> m.login()).containsExactly("p0@acme.example", "p1@acme.example", "p2@acme.example");
    assertThat(page.members().get(2).status()).isEqualTo("SUSPENDED");
    assertThat(page.members().get(0).lastLogin()).isEqualTo(Instant.parse("2026-11-29T10:00:00Z"));
    assertThat(page.next()).isEqualTo("P2");
    assertThat(last.members()).extracting(m -> m.login()).containsExactly("last@acme.example");
    assertThat(last.next()).isNull();
    google.wireMock.verify(4, getRequestedFor(urlPathMatching(USERS + "u[0-9]")));
    google.wireMock.verify(getRequestedFor(urlPathMatching(MEMBERS)).withQueryParam("maxResults", equalTo("200")));
  }

  // ---- the catalog check ----

  @Test
  void catalogCheckNamesMissingAndUnmanageableGroups() {
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/groups/eng-drive(@|%40)acme\\.example"))
        .willReturn(json(200, "{\"id\":\"03abc\",\"email\":\"eng-drive@acme.example\",\"name\":\"Engineering Drive\"}")));
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/groups/gone(@|%40)acme\\.example"))
        .willReturn(error(404, "notFound", "Resource Not Found: groupKey")));
    google.wireMock.stubFor(get(urlPathMatching("/admin/directory/v1/groups/board(@|%40)acme\\.example"))
        .willReturn(error(403, "forbidden", "Not Authorized to access this resource/api")));

    GoogleDirectory.CatalogCheck check = google.directory().checkCatalog(List.of(GROUP, "gone@acme.example", "board@acme.example"));

    assertThat(check.names()).containsExactly(java.util.Map.entry(GROUP, "Engineering Drive"));
    assertThat(check.problems()).hasSize(2);
    assertThat(check.problems().get(0)).contains("gone@acme.example", "does not exist");
    assertThat(check.problems().get(1)).contains("board@acme.example", "cannot be managed by " + GoogleStub.ADMIN);
  }

  // ---- reclaim: the Reports API ----

  @Test
  void readsSamlLoginsAndOAuthTokenUseFromTheReportsApi() {
    String samlPath = "/admin/reports/v1/activity/users/all/applications/saml";
    google.wireMock.stubFor(get(urlPathEqualTo(samlPath)).willReturn(json(200, """
        {"kind":"admin#reports#activities","items":[
          {"id":{"time":"2026-12-02T09:00:00.000Z","uniqueQualifier":"1","applicationName":"saml","customerId":"C01"},
           "actor":{"email":"ada@acme.example","profileId":"%s"},"events":[{"type":"login","name":"login_success"}]},
          {"id":{"time":"2026-12-01T09:00:00.000Z","uniqueQualifier":"2","applicationName":"saml","customerId":"C01"},
           "actor":{"email":"grace@acme.example","profileId":"7"},"events":[{"type":"login","name":"login_success"}]}],
         "nextPageToken":"R2"}""".formatted(ADA_ID))));
    google.wireMock.stubFor(get(urlPathEqualTo("/admin/reports/v1/activity/users/all/applications/token"))
        .willReturn(json(200, "{\"items\":[]}")));

    var page = google.directory().signIns("saml:Wiki", Instant.parse("2026-11-03T10:00:00Z"), Instant.parse("2026-12-03T10:00:00Z"), null, 500);
    var oauth = google.directory().signIns("oauth:1234-abc.apps.googleusercontent.com", Instant.parse("2026-11-03T10:00:00Z"),
        Instant.parse("2026-12-03T10:00:00Z"), "R2", 500);

    assertThat(page.signIns()).extracting(s -> s.login()).containsExactly("grace@acme.example", "ada@acme.example");
    assertThat(page.next()).isEqualTo("R2");
    assertThat(oauth.signIns()).isEmpty();
    google.wireMock.verify(getRequestedFor(urlPathEqualTo(samlPath)).withQueryParam("eventName", equalTo("login_success"))
        .withQueryParam("filters", equalTo("application_name==Wiki")).withQueryParam("startTime", equalTo("2026-11-03T10:00:00Z"))
        .withQueryParam("customerId", equalTo("my_customer")));
    assertFailure(() -> google.directory().signIns("Wiki", Instant.EPOCH, Instant.now(), null, 10),
        AccessflowTemporal.IDP_REJECTED, true, m -> assertThat(m).contains("saml:<application name>"));
  }

  // ---- the contract itself ----

  @Test
  void googlesDiscoveryDocumentsCatchWrongRequests() throws Exception {
    google.wireMock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(urlPathMatching("/admin/.*")).atPriority(20)
        .willReturn(json(200, "{}")));
    HttpClient http = HttpClient.newHttpClient();
    String base = google.wireMock.baseUrl();
    // A projection the method does not know, a path no method has, a field Member does not have, an application Reports does not log.
    http.send(HttpRequest.newBuilder(URI.create(base + USERS + "ada@acme.example?projection=everything"))
        .header("Authorization", "Bearer x").GET().build(), HttpResponse.BodyHandlers.discarding());
    http.send(HttpRequest.newBuilder(URI.create(base + "/admin/directory/v1/groups/" + GROUP + "/member"))
        .header("Authorization", "Bearer x").POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"a@acme.example\"}")).build(),
        HttpResponse.BodyHandlers.discarding());
    http.send(HttpRequest.newBuilder(URI.create(base + "/admin/directory/v1/groups/" + GROUP + "/members"))
        .header("Authorization", "Bearer x").POST(HttpRequest.BodyPublishers.ofString(
            "{\"email\":\"a@acme.example\",\"role\":\"MEMBER\",\"expiresAt\":\"2026-12-04T00:00:00Z\"}")).build(),
        HttpResponse.BodyHandlers.discarding());
    http.send(HttpRequest.newBuilder(URI.create(base + "/admin/reports/v1/activity/users/all/applications/okta?maxResults=10"))
        .GET().build(), HttpResponse.BodyHandlers.discarding());

    List<String> violations = google.violations();

    String all = String.join("\n", violations);
    System.out.println("Google's discovery documents refused:\n  " + String.join("\n  ", violations));
    assertThat(all).contains("projection='everything' is not one of [basic, custom, full]",
        "POST /admin/directory/v1/groups/" + GROUP + "/member: no method", "expiresAt is not a field of Member",
        "applicationName='okta' does not match", "no Authorization: Bearer token");
    google.wireMock.resetRequests();
    google.wireMock.stubFor(delete(urlPathMatching(ADA_MEMBER)).willReturn(aResponse().withStatus(204)));
    google.directory().removeMember(ADA_DRIVE);
  }

  static void assertFailure(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String type, boolean nonRetryable,
      Consumer<String> message) {
    assertThatThrownBy(call).isInstanceOfSatisfying(ApplicationFailure.class, f -> {
      assertThat(f.getType()).isEqualTo(type);
      assertThat(f.isNonRetryable()).as("non-retryable").isEqualTo(nonRetryable);
      message.accept(f.getOriginalMessage());
    });
  }
}
