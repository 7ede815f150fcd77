package dev.accessflow.activities.okta;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.accessflow.activities.okta.OktaDirectoryTest.json;
import static dev.accessflow.activities.okta.OktaDirectoryTest.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.ports.GroupDirectory;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The inventory's listing of a group through the Okta SDK against a WireMock Okta: paging by the
 * Link header, a 429 in the middle, an outage, a missing group. Every request is checked against
 * Okta's spec on close.
 */
class OktaGroupListingTest {
  private static final String USERS = "/api/v1/groups/00gAPP/users";
  private final OktaStub okta = new OktaStub();

  @AfterEach
  void checkContract() {
    okta.close();
  }

  private static String page(int from, int count) {
    List<String> users = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      users.add(user("00u" + i, "user" + i + "@example.com", "User " + i, "boss@example.com", "Engineering",
          i % 2 == 0 ? "\"2026-11-2" + (i % 10) + "T09:30:00.000Z\"" : "null"));
    }
    return "[" + String.join(",", users) + "]";
  }

  private static String next(String after) {
    return "<" + OktaStub.ORG_URL + USERS + "?after=" + after + "&limit=2>; rel=\"next\"";
  }

  private static String self() {
    return "<" + OktaStub.ORG_URL + USERS + "?limit=2>; rel=\"self\"";
  }

  @Test
  void listsEveryPageByTheNextLinkUntilThereIsNone() {
    okta.wireMock.stubFor(get(urlPathEqualTo(USERS)).withQueryParam("after", absent())
        .willReturn(json(200, page(0, 2)).withHeader("Link", self()).withHeader("Link", next("00u1"))));
    okta.wireMock.stubFor(get(urlPathEqualTo(USERS)).withQueryParam("after", equalTo("00u1"))
        .willReturn(json(200, page(2, 2)).withHeader("Link", self()).withHeader("Link", next("00u3"))));
    okta.wireMock.stubFor(get(urlPathEqualTo(USERS)).withQueryParam("after", equalTo("00u3"))
        .willReturn(json(200, page(4, 1)).withHeader("Link", self())));
    OktaDirectory directory = okta.directory();

    List<DirectoryMember> all = new ArrayList<>();
    List<String> cursors = new ArrayList<>();
    String cursor = null;
    do {
      GroupDirectory.Page page = directory.members("00gAPP", cursor, 2);
      all.addAll(page.members());
      cursor = page.next();
      cursors.add(cursor);
    } while (cursor != null);

    assertThat(cursors).containsExactly("00u1", "00u3", null);
    assertThat(all).extracting(DirectoryMember::login)
        .containsExactly("user0@example.com", "user1@example.com", "user2@example.com", "user3@example.com",
            "user4@example.com");
    DirectoryMember first = all.get(0);
    assertThat(first.userId()).isEqualTo("00u0");
    assertThat(first.status()).isEqualTo("ACTIVE");
    assertThat(first.lastLogin()).isEqualTo(Instant.parse("2026-11-20T09:30:00Z"));
    assertThat(first.department()).isEqualTo("Engineering");
    assertThat(first.displayName()).isEqualTo("User 0");
    assertThat(all.get(1).lastLogin()).isNull();
    okta.wireMock.verify(getRequestedFor(urlPathEqualTo(USERS)).withQueryParam("limit", equalTo("2")));
  }

  @Test
  void a429InTheMiddleFailsRetryablyUntilOktasResetSoTheSyncRetriesTheSamePage() {
    Instant serverNow = Instant.parse("2026-11-30T10:00:00Z");
    long reset = serverNow.getEpochSecond() + 20;
    Clock local = Clock.fixed(Instant.parse("2026-11-30T10:00:03Z"), java.time.ZoneOffset.UTC);
    okta.wireMock.stubFor(get(urlPathEqualTo(USERS)).withQueryParam("after", equalTo("00u1"))
        .willReturn(json(429, """
            {"errorCode":"E0000047","errorSummary":"API call exceeded rate limit due to too many requests.",
             "errorLink":"E0000047","errorId":"oaeLIMIT","errorCauses":[]}""")
            .withHeader("X-Rate-Limit-Limit", "600").withHeader("X-Rate-Limit-Remaining", "0")
            .withHeader("X-Rate-Limit-Reset", Long.toString(reset))
            .withHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                serverNow.atZone(java.time.ZoneOffset.UTC)))));
    OktaDirectory directory = okta.directory(new OktaRateLimits(local, d -> { }, 0.10, Duration.ofSeconds(10)));

    assertThatThrownBy(() -> directory.members("00gAPP", "00u1", 2))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(OktaDirectory.IDP_RATE_LIMITED);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofMillis(20_250));
        });
  }

  @Test
  void listingsStopAtHalfTheWindowSoGrantsKeepTheirShare() {
    Instant serverNow = Instant.parse("2026-11-30T10:00:00Z");
    long reset = serverNow.getEpochSecond() + 40;
    Clock local = Clock.fixed(serverNow, java.time.ZoneOffset.UTC);
    okta.wireMock.stubFor(get(urlPathEqualTo(USERS)).willReturn(json(200, page(0, 2))
        .withHeader("Link", next("00u1"))
        .withHeader("X-Rate-Limit-Limit", "100").withHeader("X-Rate-Limit-Remaining", "49")
        .withHeader("X-Rate-Limit-Reset", Long.toString(reset))
        .withHeader("Date", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
            serverNow.atZone(java.time.ZoneOffset.UTC)))));
    OktaDirectory directory = okta.directory(new OktaRateLimits(local, d -> { }, 0.10, Duration.ofSeconds(10)));

    directory.members("00gAPP", null, 2);

    // 49 of 100 left: the next listing waits for the reset (40 s, over the 10 s a thread may block).
    assertThatThrownBy(() -> directory.members("00gAPP", "00u1", 2))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(OktaDirectory.IDP_RATE_LIMITED);
          assertThat(f.getNextRetryDelay()).isEqualTo(Duration.ofSeconds(40));
        });
    okta.wireMock.verify(1, getRequestedFor(urlPathEqualTo(USERS)));
  }

  @Test
  void anOutageIsRetryableAndAMissingGroupIsUnknown() {
    okta.wireMock.stubFor(get(urlPathEqualTo(USERS)).willReturn(json(503, "{}")));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/groups/00gGONE/users")).willReturn(json(404, """
        {"errorCode":"E0000007","errorSummary":"Not found: Resource not found: 00gGONE (UserGroup)",
         "errorLink":"E0000007","errorId":"oaeGONE","errorCauses":[]}""")));
    OktaDirectory directory = okta.directory();

    assertThatThrownBy(() -> directory.members("00gAPP", null, 200))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.IDP_UNAVAILABLE);
          assertThat(f.isNonRetryable()).isFalse();
          assertThat(f.getOriginalMessage()).doesNotContain(OktaStub.TOKEN);
        });
    assertThatThrownBy(() -> directory.members("00gGONE", null, 200))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(AccessflowTemporal.UNKNOWN_GROUP);
          assertThat(f.isNonRetryable()).isTrue();
        });
  }

  @Test
  void aGroupsNameIsItsProfileNameAndAMissingGroupHasNone() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/groups/00gAPP"))
        .willReturn(json(200, OktaDirectoryTest.group("00gAPP", "OKTA_GROUP"))));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/groups/00gGONE")).willReturn(json(404, """
        {"errorCode":"E0000007","errorSummary":"Not found","errorLink":"E0000007","errorId":"x","errorCauses":[]}""")));
    OktaDirectory directory = okta.directory();

    assertThat(directory.groupName("00gAPP")).contains("00gAPP-name");
    assertThat(directory.groupName("00gGONE")).isEmpty();
  }
}
