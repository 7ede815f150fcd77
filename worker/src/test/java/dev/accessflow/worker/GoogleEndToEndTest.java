package dev.accessflow.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process with {@code idp.type=google}: a real service-account JSON key whose token endpoint is
 * a WireMock ({@link GoogleWorkspaceStub}), so google-auth signs the JWT grant for the admin and
 * Directory calls carry the token it got. Start-up checks the catalog's group; a request approved by the manager
 * Google names (the user's manager relation) adds the person and expiry removes them.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class GoogleEndToEndTest {
  static final String GROUP = "eng-drive@acme.example";
  static final String DANA_ID = "104000000000000000001";
  static final String TOKEN = GoogleWorkspaceStub.TOKEN;
  static final GoogleWorkspaceStub STUB = new GoogleWorkspaceStub(GROUP, "Engineering Drive", "dana@acme.example", DANA_ID,
      "grace@acme.example");
  static final WireMockServer GOOGLE = STUB.server;
  static final String MEMBERS = STUB.members;

  static final Path CATALOG = AccessflowApp.shippedCatalogWith("apps:\n", """
        drive:
          name: Engineering Drive
          owners: [omar@acme.example]
          roles:
            editor:
              name: Editor
              groups: [%s]
              risk: medium
              route: [{stage: manager, approvers: [manager]}]
              durations: [PT10S]
              maxDuration: PT1H
      """.formatted(GROUP));

  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(CATALOG,
      ConfigOverride.config("idp.type", "google"),
      ConfigOverride.config("idp.google.serviceAccountKey", STUB.key.toString()),
      ConfigOverride.config("idp.google.adminEmail", "it-admin@acme.example"),
      ConfigOverride.config("idp.google.rootUrl", GOOGLE.baseUrl() + "/"));

  @AfterAll
  static void stopGoogle() {
    GOOGLE.stop();
  }

  @Test
  void requestApprovedByTheManagerGoogleNamesIsAddedToTheGroupAndRemovedAtExpiry() {
    Http http = new Http(APP.getLocalPort());

    Http.Reply created = http.post("/v1/requests", """
        {"requester":"dana@acme.example","app":"drive","role":"editor","duration":"PT10S","reason":"share the design docs"}""");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    String id = created.text("requestId");
    Http.Reply approved = http.post("/v1/requests/" + id + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"grace@acme.example\",\"comment\":\"ok\"}");
    assertThat(approved.status()).as(approved.body().toString()).isEqualTo(200);

    http.awaitStatus(id, "ACTIVE", Duration.ofSeconds(30));
    GOOGLE.verify(postRequestedFor(urlPathMatching(MEMBERS)).withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withRequestBody(equalToJson("{\"email\":\"dana@acme.example\",\"role\":\"MEMBER\"}")));

    Http.Reply expired = http.awaitStatus(id, "EXPIRED", Duration.ofSeconds(60));
    GOOGLE.verify(1, deleteRequestedFor(urlPathMatching(MEMBERS + "/" + DANA_ID)));
    assertThat(expired.body().toString()).contains("Engineering Drive");
  }
}
