package dev.accessflow.activities.jira;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import dev.accessflow.activities.jira.JiraModel.History;
import dev.accessflow.activities.jira.JiraModel.Issue;
import dev.accessflow.activities.jira.JiraModel.User;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The calls the webhook handler needs, and how the client reports errors; spec-checked like the adapter. */
class JiraClientTest {
  private final JiraStub jira = new JiraStub();
  private final JiraClient client = jira.client();

  @AfterEach
  void checkContract() {
    try {
      assertThat(jira.assertContract()).isPositive();
    } finally {
      jira.close();
    }
  }

  @Test
  void readsOneCommentWithItsAuthorAndItsTextForAReviewDecision() {
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACC-9/comment/10100")).willReturn(okJson("""
        {"id":"10100","author":{"accountId":"5b10ac8d82e05b22cc7d4ef5","displayName":"Omar","active":true},
         "created":"2026-12-02T10:00:00.000+0000","body":{"type":"doc","version":1,"content":[
          {"type":"paragraph","content":[{"type":"text","text":"keep 12"},{"type":"hardBreak"},
            {"type":"text","text":"revoke 13: "},{"type":"text","text":"moved","marks":[{"type":"strong"}]}]},
          {"type":"paragraph","content":[{"type":"text","text":"thanks"}]}]}}
        """)));
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACC-9/comment/404")).willReturn(aResponse()
        .withStatus(404).withHeader("Content-Type", "application/json")
        .withBody("{\"errorMessages\":[\"no comment\"],\"errors\":{}}")));

    var comment = client.getComment("ACC-9", "10100").orElseThrow();

    assertThat(comment.author().accountId()).isEqualTo("5b10ac8d82e05b22cc7d4ef5");
    assertThat(Adf.plainText(comment.body())).isEqualTo("keep 12\nrevoke 13: moved\nthanks");
    assertThat(client.getComment("ACC-9", "404")).isEmpty();
  }

  @Test
  void readsAnIssueWithItsChangelogForTheWebhook() {
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACC-9")).willReturn(okJson("""
        {"id":"10009","key":"ACC-9","fields":{"status":{"id":"3","name":"Approved"},"labels":["accessflow"],
         "customfield_10100":"ada@acme.example","unknownThing":{"x":1}},
         "changelog":{"startAt":0,"maxResults":1,"total":1,"histories":[{"id":"555",
           "author":{"accountId":"5b10ac8d82e05b22cc7d4ef5","displayName":"Grace","active":true},
           "created":"2026-11-27T10:00:00.000+0000",
           "items":[{"field":"status","fieldtype":"jira","fieldId":"status","from":"1","fromString":"Pending approval",
                     "to":"3","toString":"Approved"}]}]}}
        """)));

    Issue issue = client.getIssueWithChangelog("ACC-9", List.of("status", "customfield_10100"));

    assertThat(issue.key()).isEqualTo("ACC-9");
    assertThat(issue.statusName()).isEqualTo("Approved");
    assertThat(issue.field("customfield_10100").asText()).isEqualTo("ada@acme.example");
    History change = issue.changelog().histories().get(0);
    assertThat(change.author().accountId()).isEqualTo("5b10ac8d82e05b22cc7d4ef5");
    assertThat(change.items().get(0).toText()).isEqualTo("Approved");
    assertThat(change.items().get(0).fromString()).isEqualTo("Pending approval");
    jira.server.verify(getRequestedFor(urlPathEqualTo("/rest/api/3/issue/ACC-9"))
        .withQueryParam("expand", equalTo("changelog")));
  }

  @Test
  void looksUpAUsersEmailByAccountId() {
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/user")).withQueryParam("accountId", equalTo("5b10ac8d82e05b22cc7d4ef5"))
        .willReturn(okJson("{\"accountId\":\"5b10ac8d82e05b22cc7d4ef5\",\"accountType\":\"atlassian\",\"displayName\":\"Grace\","
            + "\"emailAddress\":\"grace@acme.example\",\"active\":true,\"timeZone\":\"Europe/Paris\"}")));
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/user")).withQueryParam("accountId", equalTo("gone"))
        .willReturn(notFound()));

    Optional<User> grace = client.getUser("5b10ac8d82e05b22cc7d4ef5");

    assertThat(grace).map(User::emailAddress).contains("grace@acme.example");
    assertThat(client.getUser("gone")).isEmpty();
  }

  @Test
  void anUnreachableJiraIsRetryableStatusZero() {
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACC-1/transitions"))
        .willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

    assertThatThrownBy(() -> client.getTransitions("ACC-1"))
        .isInstanceOfSatisfying(JiraException.class, e -> {
          assertThat(e.status()).isZero();
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).startsWith("Jira GET /rest/api/3/issue/ACC-1/transitions failed");
        });
  }

  @Test
  void retryAfterMayBeAnHttpDate() {
    String in90s = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(90));
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACC-1/transitions"))
        .willReturn(aResponse().withStatus(503).withHeader("Retry-After", in90s)));

    assertThatThrownBy(() -> client.getTransitions("ACC-1"))
        .isInstanceOfSatisfying(JiraException.class, e -> assertThat(e.retryAfter()).hasValueSatisfying(
            d -> assertThat(d).isBetween(Duration.ofSeconds(80), Duration.ofSeconds(91))));
  }

  @Test
  void aMissingPropertyIsEmptyButOtherErrorsAreNot() {
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACC-1/properties/accessflow.auditSequence")).willReturn(notFound()));
    jira.server.stubFor(get(urlPathEqualTo("/rest/api/3/issue/ACC-2/properties/accessflow.auditSequence"))
        .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
            .withBody("{\"errorMessages\":[\"You do not have permission to view this issue.\"]}")));

    assertThat(client.getIssueProperty("ACC-1", "accessflow.auditSequence")).isEmpty();
    assertThatThrownBy(() -> client.getIssueProperty("ACC-2", "accessflow.auditSequence"))
        .isInstanceOfSatisfying(JiraException.class, e -> {
          assertThat(e.retryable()).isFalse();
          assertThat(e.errorMessages()).containsExactly("You do not have permission to view this issue.");
        });
  }
}
