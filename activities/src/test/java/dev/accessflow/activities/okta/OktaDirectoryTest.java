package dev.accessflow.activities.okta;

import dev.accessflow.workflows.ports.AccessflowMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import io.temporal.failure.ApplicationFailure;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The Okta adapter against a WireMock Okta; every request is checked against Okta's spec on close. */
class OktaDirectoryTest {
  private static final Membership ADA_APP = new Membership("REQ-1", "ada@example.com", "00uADA", "00gAPP");
  private static final String MEMBERSHIP_PATH = "/api/v1/groups/00gAPP/users/00uADA";

  private OktaStub okta = new OktaStub();

  @AfterEach
  void checkContract() {
    okta.close();
  }

  // ---- resolveUser ----

  @Test
  void resolvesUserByLoginWithManagerDepartmentAndLastLogin() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/ada%40example.com"))
        .withHeader("Authorization", equalTo("SSWS " + OktaStub.TOKEN))
        .willReturn(json(200, user("00uADA", "ada@example.com", "Ada Lovelace", "00uBOSS", "Engineering",
            "\"2026-11-20T09:30:00.000Z\""))));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/00uBOSS"))
        .willReturn(json(200, user("00uBOSS", "grace@example.com", "Grace Hopper", null, "Engineering", "null"))));

    IdpUser user = okta.directory().resolveUser("ada@example.com");

    assertThat(user).isEqualTo(new IdpUser("ada@example.com", "00uADA", "Ada Lovelace", "grace@example.com",
        "Engineering", Instant.parse("2026-11-20T09:30:00Z")));
  }

  @Test
  void managerAsEmailAttributeNeedsNoSecondLookupAndNeverLoggedInIsNull() {
    okta.stop();
    okta = new OktaStub(OktaConfig.withApiToken(OktaStub.ORG_URL, OktaStub.TOKEN).withAttributes("manager", "costCenter"));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/ada%40example.com")).willReturn(json(200, """
        {"id":"00uADA","status":"ACTIVE","lastLogin":null,
         "profile":{"login":"ada@example.com","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace",
                    "manager":"grace@example.com","costCenter":"CC-7"}}""")));

    IdpUser user = okta.directory().resolveUser("ada@example.com");

    assertThat(user).isEqualTo(new IdpUser("ada@example.com", "00uADA", "Ada Lovelace", "grace@example.com", "CC-7", null));
    okta.wireMock.verify(1, getRequestedFor(urlPathEqualTo("/api/v1/users/ada%40example.com")));
  }

  @Test
  void unknownUserIsANonRetryableUnknownUser() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/nobody%40example.com")).willReturn(json(404, """
        {"errorCode":"E0000007","errorSummary":"Not found: Resource not found: nobody@example.com (User)",
         "errorLink":"E0000007","errorId":"oaeNOTFOUND","errorCauses":[]}""")));

    assertThatThrownBy(() -> okta.directory().resolveUser("nobody@example.com"))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.UNKNOWN_USER);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains("no Okta user with login nobody@example.com", "E0000007");
        });
  }

  @Test
  void deprovisionedUserIsRefused() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/ada%40example.com")).willReturn(json(200,
        user("00uADA", "ada@example.com", "Ada", null, null, "null").replace("\"ACTIVE\"", "\"DEPROVISIONED\""))));

    assertThatThrownBy(() -> okta.directory().resolveUser("ada@example.com"))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_REJECTED);
          assertThat(f.isNonRetryable()).isTrue();
        });
  }

  // ---- addMember / removeMember ----

  @Test
  void addsAndRemovesWithTheTokenAndNoBody() {
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));
    OktaDirectory directory = okta.directory();

    directory.addMember(ADA_APP);
    assertThat(directory.removeMember(ADA_APP)).as("removed: nothing to explain").isNull();

    okta.wireMock.verify(1, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH))
        .withHeader("Authorization", equalTo("SSWS " + OktaStub.TOKEN)));
    okta.wireMock.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
    assertThat(okta.wireMock.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getBody()).isEmpty());
  }

  @Test
  void addingAnExistingMemberSucceeds() {
    // Okta answers 204 whether or not the user already was a member.
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));
    OktaDirectory directory = okta.directory();

    directory.addMember(ADA_APP);
    directory.addMember(ADA_APP);

    okta.wireMock.verify(2, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
  }

  @Test
  void removingAnAbsentMemberSucceedsOnceAndSaysWhyNothingWasRemoved() {
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(json(404, """
        {"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00uADA (GroupMembership)",
         "errorLink":"E0000007","errorId":"oaeGONE","errorCauses":[]}""")));

    // A deleted user or group answers 404 too: done, not retried, and the reason is recorded.
    assertThat(okta.directory().removeMember(ADA_APP))
        .contains("HTTP 404 E0000007", "no longer exists, or the user was not a member");

    okta.wireMock.verify(1, deleteRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
  }

  @Test
  void membershipIsReadFromTheUsersGroups() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/00uADA/groups")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("""
        [{"id":"00gOTHER","type":"OKTA_GROUP","profile":{"name":"Everyone"}},
         {"id":"00gAPP","type":"OKTA_GROUP","profile":{"name":"warehouse-admins"}}]""")));
    OktaDirectory directory = okta.directory();

    assertThat(directory.isMember(ADA_APP)).isTrue();
    assertThat(directory.isMember(new Membership("REQ-1", "ada@example.com", "00uADA", "00gNOPE"))).isFalse();
    okta.wireMock.verify(2, getRequestedFor(urlPathEqualTo("/api/v1/users/00uADA/groups")));
  }

  @Test
  void unknownGroupOnAddIsANonRetryableUnknownGroup() {
    Membership missing = new Membership("REQ-1", "ada@example.com", "00uADA", "00gMISSING");
    okta.wireMock.stubFor(put(urlPathEqualTo("/api/v1/groups/00gMISSING/users/00uADA")).willReturn(json(404, """
        {"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00gMISSING (UserGroup)",
         "errorLink":"E0000007","errorId":"oaeNOGROUP","errorCauses":[]}""")));

    assertThatThrownBy(() -> okta.directory().addMember(missing))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.UNKNOWN_GROUP);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains("00gMISSING", "E0000007");
        });
  }

  @Test
  void forbiddenAddIsNonRetryableWithOktasCodeAndSummaryButNeverTheToken() {
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(json(403, """
        {"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action",
         "errorLink":"E0000006","errorId":"oaeFORBIDDEN","errorCauses":[]}""")));

    assertThatThrownBy(() -> okta.directory().addMember(ADA_APP))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_REJECTED);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage())
              .contains("HTTP 403 E0000006", "You do not have permission to perform the requested action", "00gAPP")
              .doesNotContain(OktaStub.TOKEN);
          assertThat(f.getCause()).isNull(); // no SDK exception (with the raw body) travels into history
        });
  }

  @Test
  void rateLimitedCallCarriesTheDelayUntilOktasReset() {
    // Okta's Date header and a fixed local clock: the delay is exact, whatever the machine's load.
    Instant serverNow = Instant.parse("2026-11-30T10:00:00Z");
    long reset = serverNow.getEpochSecond() + 30;
    Clock local = Clock.fixed(Instant.parse("2026-11-30T10:00:07Z"), java.time.ZoneOffset.UTC);
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(json(429, """
        {"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.",
         "errorLink":"E0000047","errorId":"oaeLIMIT","errorCauses":[]}""")
        .withHeader("X-Rate-Limit-Limit", "600")
        .withHeader("X-Rate-Limit-Remaining", "0")
        .withHeader("X-Rate-Limit-Reset", Long.toString(reset))
        .withHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.atZone(java.time.ZoneOffset.UTC)))));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OktaDirectory directory = okta.directory(new OktaRateLimits(local, d -> { }, 0.10, Duration.ofSeconds(10),
        new AccessflowMetrics(registry)));

    assertThatThrownBy(() -> directory.addMember(ADA_APP))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(OktaDirectory.IDP_RATE_LIMITED);
          assertThat(f.isNonRetryable()).isFalse();
          // 30 s until the reset by Okta's clock, plus the quarter second past it.
          assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofMillis(30_250));
          assertThat(f.getOriginalMessage()).contains("E0000047");
        });
    // The operator sees the 429 and the wait it causes.
    var waited = registry.get("accessflow.idp.throttle").tags("idp", "okta", "cause", "rate_limited").timer();
    assertThat(waited.count()).isEqualTo(1);
    assertThat(waited.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(30_250);
    okta.wireMock.verify(1, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH))); // the SDK did not retry by itself
  }

  @Test
  void serverErrorIsRetryableAndTheSdkDoesNotRetryItself() {
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(503)));

    assertThatThrownBy(() -> okta.directory().addMember(ADA_APP))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(OktaDirectory.IDP_UNAVAILABLE);
          assertThat(f.isNonRetryable()).isFalse();
        });
    okta.wireMock.verify(1, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
  }

  @Test
  void timeoutIsRetryable() {
    okta.stop();
    okta = new OktaStub(OktaConfig.withApiToken(OktaStub.ORG_URL, OktaStub.TOKEN).withRequestTimeout(Duration.ofSeconds(1)));
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204).withFixedDelay(2_500)));

    // The 1 s timeout, not the stub's 2.5 s answer, ended the call: the failure says so, and there was one try.
    assertThatThrownBy(() -> okta.directory().addMember(ADA_APP))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(OktaDirectory.IDP_UNAVAILABLE);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getOriginalMessage()).contains("Okta unreachable", "Timeout");
        });
    okta.wireMock.verify(1, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
  }

  @Test
  void connectionRefusedIsRetryable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));
    var client = okta.client();
    client.setBasePath("http://127.0.0.1:" + closedPort);
    OktaDirectory directory = new OktaDirectory(client, okta.config, Clock.systemUTC());

    assertThatThrownBy(() -> directory.removeMember(ADA_APP))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(OktaDirectory.IDP_UNAVAILABLE);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getOriginalMessage()).contains("Okta unreachable").doesNotContain(OktaStub.TOKEN);
        });
    okta.directory().removeMember(ADA_APP); // so the stub saw (and the contract checked) one call
  }

  @Test
  void tenCallsAtOnceReachOktaAtOnceNotFiveAtATime() throws Exception {
    int atOnce = 10; // the SDK's own pool would let 5 through and hold the rest for a free connection
    CountDownLatch allArrived = new CountDownLatch(atOnce);
    HttpServer okta10 = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    okta10.setExecutor(Executors.newFixedThreadPool(atOnce * 2));
    okta10.createContext("/", exchange -> {
      allArrived.countDown();
      boolean together;
      try {
        together = allArrived.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        together = false;
      }
      exchange.sendResponseHeaders(together ? 204 : 503, -1);
      exchange.close();
    });
    okta10.start();
    ExecutorService callers = Executors.newFixedThreadPool(atOnce);
    try {
      var client = okta.client();
      client.setBasePath("http://127.0.0.1:" + okta10.getAddress().getPort());
      OktaDirectory directory = new OktaDirectory(client, okta.config, Clock.systemUTC());
      List<Future<String>> removals = new ArrayList<>();
      for (int i = 0; i < atOnce; i++) {
        Membership m = new Membership("REQ-" + i, "user" + i + "@example.com", "00u" + i, "00gAPP");
        removals.add(callers.submit(() -> directory.removeMember(m)));
      }
      for (Future<String> removal : removals) {
        assertThat(removal.get(30, TimeUnit.SECONDS)).as("removed").isNull();
      }
    } finally {
      callers.shutdownNow();
      okta10.stop(0);
    }
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));
    okta.directory().removeMember(ADA_APP); // so the stub saw (and the contract checked) one call
  }

  // ---- pacing before the limit is reached ----

  @Test
  void lowRemainingBudgetPausesTheNextCallUntilTheReset() {
    Instant serverNow = Instant.parse("2026-11-30T10:00:00Z");
    long reset = serverNow.getEpochSecond() + 5;
    Clock local = Clock.fixed(Instant.parse("2026-11-30T09:59:58Z"), java.time.ZoneOffset.UTC);
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)
        .withHeader("X-Rate-Limit-Limit", "100")
        .withHeader("X-Rate-Limit-Remaining", "9")
        .withHeader("X-Rate-Limit-Reset", Long.toString(reset))
        .withHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.atZone(java.time.ZoneOffset.UTC)))));
    okta.wireMock.stubFor(delete(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)));
    List<Duration> pauses = new ArrayList<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OktaDirectory directory = okta.directory(new OktaRateLimits(local, pauses::add, 0.10, Duration.ofSeconds(10),
        new AccessflowMetrics(registry)));

    directory.addMember(ADA_APP);   // learns: 9 of 100 left, below the 10% watermark
    assertThat(pauses).isEmpty();
    directory.removeMember(ADA_APP); // other family: not paced
    assertThat(pauses).isEmpty();
    directory.addMember(ADA_APP);   // same family: waits for the reset first

    assertThat(pauses).containsExactly(Duration.ofSeconds(5)); // until the reset, by Okta's clock
    assertThat(registry.get("accessflow.idp.throttle").tags("cause", "paced").timer()
        .totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(5);
    okta.wireMock.verify(2, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH)));
  }

  @Test
  void aPauseLongerThanTheBoundBecomesARetryableFailureWithThatDelay() {
    Instant serverNow = Instant.parse("2026-11-30T10:00:00Z");
    long reset = serverNow.getEpochSecond() + 50;
    Clock local = Clock.fixed(Instant.parse("2026-11-30T10:03:00Z"), java.time.ZoneOffset.UTC);
    okta.wireMock.stubFor(put(urlPathEqualTo(MEMBERSHIP_PATH)).willReturn(aResponse().withStatus(204)
        .withHeader("X-Rate-Limit-Limit", "600")
        .withHeader("X-Rate-Limit-Remaining", "3")
        .withHeader("X-Rate-Limit-Reset", Long.toString(reset))
        .withHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(serverNow.atZone(java.time.ZoneOffset.UTC)))));
    List<Duration> pauses = new ArrayList<>();
    OktaDirectory directory = okta.directory(new OktaRateLimits(local, pauses::add, 0.10, Duration.ofSeconds(10)));
    directory.addMember(ADA_APP);

    assertThatThrownBy(() -> directory.addMember(ADA_APP))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(OktaDirectory.IDP_RATE_LIMITED);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(50));
        });
    assertThat(pauses).isEmpty();
    okta.wireMock.verify(1, putRequestedFor(urlPathEqualTo(MEMBERSHIP_PATH))); // the budget was spared
  }

  @Test
  void endpointFamiliesFollowOktasPerEndpointBudgets() {
    assertThat(OktaRateLimits.family("PUT", "/api/v1/groups/00g1/users/00u1"))
        .isEqualTo(OktaRateLimits.family("PUT", "/api/v1/groups/x/users/x"))
        .isEqualTo("PUT /api/v1/groups/{id}/users/{id}");
    assertThat(OktaRateLimits.family("GET", "/api/v1/users/ada%40example.com?expand=blocks")).isEqualTo("GET /api/v1/users/{id}");
    assertThat(OktaRateLimits.family("GET", "/api/v1/groups")).isEqualTo("GET /api/v1/groups");
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/groups/00gAPP")).willReturn(json(200, group("00gAPP", "OKTA_GROUP"))));
    assertThat(okta.directory().existingGroupIds(List.of("00gAPP"))).containsExactly("00gAPP");
  }

  // ---- catalog check and lastLogin ----

  @Test
  void catalogCheckNamesMissingAndUnmanageableGroups() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/groups/00gAPP")).willReturn(json(200, group("00gAPP", "OKTA_GROUP"))));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/groups/00gAD")).willReturn(json(200, group("00gAD", "APP_GROUP"))));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/groups/00gGONE")).willReturn(json(404, """
        {"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00gGONE (UserGroup)",
         "errorLink":"E0000007","errorId":"oaeX","errorCauses":[]}""")));
    OktaDirectory directory = okta.directory();

    assertThat(directory.existingGroupIds(List.of("00gAPP", "00gGONE"))).isEqualTo(Set.of("00gAPP"));
    assertThat(new OktaCatalogCheck(directory).check(List.of("00gAPP", "00gAD", "00gGONE", "00gAPP"))).containsExactly(
        "catalog group 00gAD (00gAD-name) is an APP_GROUP; Okta only allows membership changes on OKTA_GROUP groups",
        "catalog group 00gGONE does not exist in Okta");
  }

  @Test
  void lastLoginByUserId() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/00uADA")).willReturn(json(200,
        user("00uADA", "ada@example.com", "Ada", null, null, "\"2026-11-01T08:00:00.000Z\""))));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/users/00uNEW")).willReturn(json(200,
        user("00uNEW", "new@example.com", "New", null, null, "null"))));

    assertThat(okta.directory().lastLogin("00uADA")).contains(Instant.parse("2026-11-01T08:00:00Z"));
    assertThat(okta.directory().lastLogin("00uNEW")).isEmpty();
  }

  // ---- helpers ----

  static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  static String user(String id, String login, String displayName, String managerId, String department, String lastLogin) {
    return """
        {"id":"%s","status":"ACTIVE","created":"2025-01-01T00:00:00.000Z","lastLogin":%s,
         "profile":{"login":"%s","email":"%s","firstName":"x","lastName":"y","displayName":"%s"%s%s},
         "_links":{"self":{"href":"https://accessflow-test.okta.com/api/v1/users/%s"}}}"""
        .formatted(id, lastLogin, login, login, displayName,
            managerId == null ? "" : ",\"managerId\":\"" + managerId + "\"",
            department == null ? "" : ",\"department\":\"" + department + "\"", id);
  }

  static String group(String id, String type) {
    return """
        {"id":"%s","type":"%s","created":"2025-01-01T00:00:00.000Z","objectClass":["okta:user_group"],
         "profile":{"name":"%s-name","description":"test group"}}""".formatted(id, type, id);
  }
}
