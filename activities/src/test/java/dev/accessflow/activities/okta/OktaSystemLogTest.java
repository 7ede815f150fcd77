package dev.accessflow.activities.okta;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.accessflow.activities.okta.OktaDirectoryTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.ports.AppSignIns;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reclaim's usage signal through the Okta SDK against a WireMock Okta: the System Log's SSO
 * events to one app in a bounded window, paged by the Link header, with a 429 and a missing scope.
 * Every request is checked against Okta's spec on close.
 */
class OktaSystemLogTest {
  private static final String LOGS = "/api/v1/logs";
  private static final Instant SINCE = Instant.parse("2026-09-04T12:00:00Z");
  private static final Instant UNTIL = Instant.parse("2026-12-03T12:00:00Z");
  private static final String FILTER =
      "eventType eq \"user.authentication.sso\" and target.id eq \"0oaGRAFANA\" and outcome.result eq \"SUCCESS\"";
  private final OktaStub okta = new OktaStub();

  @AfterEach
  void checkContract() {
    okta.close();
  }

  private static String event(String actorType, String userId, String login, String published) {
    return """
        {"uuid":"%s","eventType":"user.authentication.sso","published":"%s","severity":"INFO",
         "displayMessage":"User single sign on to app","outcome":{"result":"SUCCESS"},
         "actor":{"id":"%s","type":"%s","alternateId":"%s","displayName":"Someone"},
         "target":[{"id":"0oaGRAFANA","type":"AppInstance","alternateId":"Grafana","displayName":"Grafana"},
                   {"id":"0uaX","type":"AppUser","alternateId":"%s","displayName":"Someone"}]}"""
        .formatted(java.util.UUID.randomUUID(), published, userId, actorType, login, login);
  }

  private static String next(String after) {
    return "<" + OktaStub.ORG_URL + LOGS + "?since=2026-09-04T12%3A00%3A00.000Z&until=2026-12-03T12%3A00%3A00.000Z"
        + "&after=" + after + "&limit=2&sortOrder=ASCENDING>; rel=\"next\"";
  }

  @Test
  void readsTheAppsSsoEventsInTheWindowPageByPageOldestFirst() {
    okta.wireMock.stubFor(get(urlPathEqualTo(LOGS)).withQueryParam("after", absent())
        .willReturn(json(200, "[" + event("User", "00uADA", "ada@example.com", "2026-09-10T08:00:00.000Z") + ","
            + event("User", "00uBEN", "ben@example.com", "2026-10-01T08:00:00.000Z") + "]")
            .withHeader("Link", "<" + OktaStub.ORG_URL + LOGS + "?limit=2>; rel=\"self\"")
            .withHeader("Link", next("1701"))));
    okta.wireMock.stubFor(get(urlPathEqualTo(LOGS)).withQueryParam("after", equalTo("1701"))
        .willReturn(json(200, "[" + event("User", "00uADA", "ada@example.com", "2026-11-30T08:00:00.000Z") + ","
            // An event whose actor is no person (a system principal) is no one's sign-in.
            + event("PublicClientApp", "0oaBOT", "bot", "2026-11-30T09:00:00.000Z") + "]")));
    OktaDirectory directory = okta.directory();

    List<AppSignIns.SignIn> all = new ArrayList<>();
    List<String> cursors = new ArrayList<>();
    String cursor = null;
    do {
      AppSignIns.SignInPage page = directory.signIns("0oaGRAFANA", SINCE, UNTIL, cursor, 2);
      all.addAll(page.signIns());
      cursor = page.next();
      cursors.add(cursor);
    } while (cursor != null);

    assertThat(cursors).containsExactly("1701", null);
    assertThat(all).containsExactly(
        new AppSignIns.SignIn("ada@example.com", "00uADA", Instant.parse("2026-09-10T08:00:00Z")),
        new AppSignIns.SignIn("ben@example.com", "00uBEN", Instant.parse("2026-10-01T08:00:00Z")),
        new AppSignIns.SignIn("ada@example.com", "00uADA", Instant.parse("2026-11-30T08:00:00Z")));
    okta.wireMock.verify(2, getRequestedFor(urlPathEqualTo(LOGS))
        .withQueryParam("filter", equalTo(FILTER))
        .withQueryParam("since", equalTo("2026-09-04T12:00:00.000Z"))
        .withQueryParam("until", equalTo("2026-12-03T12:00:00.000Z"))
        .withQueryParam("sortOrder", equalTo("ASCENDING"))
        .withQueryParam("limit", equalTo("2")));
    assertThat(directory.retention()).isEqualTo(Duration.ofDays(90));
  }

  @Test
  void aPageIsNeverAskedLargerThanOktasThousand() {
    okta.wireMock.stubFor(get(urlPathEqualTo(LOGS)).willReturn(json(200, "[]")));

    AppSignIns.SignInPage page = okta.directory().signIns("0oaGRAFANA", SINCE, UNTIL, null, 5_000);

    assertThat(page.signIns()).isEmpty();
    assertThat(page.next()).isNull();
    okta.wireMock.verify(getRequestedFor(urlPathEqualTo(LOGS)).withQueryParam("limit", equalTo("1000")));
  }

  @Test
  void a429FailsRetryablyUntilOktasResetSoTheReadResumesAtTheSamePage() {
    Instant serverNow = Instant.parse("2026-12-03T12:00:00Z");
    Clock local = Clock.fixed(Instant.parse("2026-12-03T12:00:02Z"), java.time.ZoneOffset.UTC);
    okta.wireMock.stubFor(get(urlPathEqualTo(LOGS)).willReturn(json(429, """
        {"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.",
         "errorLink":"E0000047","errorId":"oaeLIMIT","errorCauses":[]}""")
        .withHeader("X-Rate-Limit-Limit", "120").withHeader("X-Rate-Limit-Remaining", "0")
        .withHeader("X-Rate-Limit-Reset", Long.toString(serverNow.getEpochSecond() + 15))
        .withHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            serverNow.atZone(java.time.ZoneOffset.UTC)))));
    OktaDirectory directory = okta.directory(new OktaRateLimits(local, d -> { }, 0.10, Duration.ofSeconds(10)));

    assertThatThrownBy(() -> directory.signIns("0oaGRAFANA", SINCE, UNTIL, "1701", 1000))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(OktaDirectory.IDP_RATE_LIMITED);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofMillis(15_250));
        });
    okta.wireMock.verify(1, getRequestedFor(urlPathEqualTo(LOGS)).withQueryParam("after", equalTo("1701")));
  }

  @Test
  void aTokenWithoutTheLogScopeIsRefusedNamingWhatItLacksAndAnOutageIsRetryable() {
    okta.wireMock.stubFor(get(urlPathEqualTo(LOGS)).withQueryParam("after", absent()).willReturn(json(403, """
        {"errorCode":"E0000006","errorSummary":"You do not have permission to perform the requested action",
         "errorLink":"E0000006","errorId":"oaeFORBID","errorCauses":[]}""")));
    okta.wireMock.stubFor(get(urlPathEqualTo(LOGS)).withQueryParam("after", equalTo("9")).willReturn(json(503, "{}")));
    OktaDirectory directory = okta.directory();

    assertThatThrownBy(() -> directory.signIns("0oaGRAFANA", SINCE, UNTIL, null, 1000))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_REJECTED);
          assertThat(f.isNonRetryable()).isTrue();
          assertThat(f.getOriginalMessage()).contains("okta.logs.read").contains("E0000006")
              .doesNotContain(OktaStub.TOKEN);
        });
    assertThatThrownBy(() -> directory.signIns("0oaGRAFANA", SINCE, UNTIL, "9", 1000))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_UNAVAILABLE);
          assertThat(f.isNonRetryable()).isFalse();
        });
  }

  @Test
  void anAppIdThatCouldAlterTheFilterIsNeverSent() {
    okta.wireMock.stubFor(get(urlPathEqualTo(LOGS)).willReturn(json(200, "[]")));
    okta.directory().signIns("0oaGRAFANA", SINCE, UNTIL, null, 10);

    assertThatThrownBy(() -> okta.directory().signIns("0oa\" or eventType pr", SINCE, UNTIL, null, 10))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_REJECTED);
          assertThat(f.isNonRetryable()).isTrue();
        });
    okta.wireMock.verify(1, getRequestedFor(urlPathEqualTo(LOGS))); // the well-formed one only
  }
}
