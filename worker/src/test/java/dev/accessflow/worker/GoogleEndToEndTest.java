package dev.accessflow.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process with {@code idp.type=google}: a real service-account JSON key (a fresh RSA key) whose
 * token endpoint is a WireMock, so google-auth signs the JWT grant for the admin and Directory calls
 * carry the token it got. Start-up checks the catalog's group; a request approved by the manager
 * Google names (the user's manager relation) adds the person and expiry removes them.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class GoogleEndToEndTest {
  static final String GROUP = "eng-drive@acme.example";
  static final String DANA_ID = "104000000000000000001";
  static final String TOKEN = "ya29.google-e2e";
  static final String MEMBERS = "/admin/directory/v1/groups/eng-drive(@|%40)acme\\.example/members";
  static final WireMockServer GOOGLE = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  static final Path KEY;

  static {
    GOOGLE.start();
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
          .encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
      KEY = Files.createTempFile("service-account", ".json");
      Files.writeString(KEY, new ObjectMapper().writeValueAsString(Map.of("type", "service_account",
          "project_id", "acme-project", "private_key_id", "key-1", "private_key", pem,
          "client_email", "accessflow@acme-project.iam.gserviceaccount.com", "client_id", "1234567890",
          "token_uri", GOOGLE.baseUrl() + "/token")));
      KEY.toFile().deleteOnExit();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    GOOGLE.stubFor(post(urlPathEqualTo("/token")).withRequestBody(matching(".*grant-type%3Ajwt-bearer.*"))
        .willReturn(okJson("{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":3599}")));
    // The shipped catalog's other groups exist and are empty.
    GOOGLE.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+")).atPriority(10)
        .willReturn(okJson("{\"id\":\"03x\",\"name\":\"Shipped group\"}")));
    GOOGLE.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+/members")).atPriority(10)
        .willReturn(okJson("{\"members\":[]}")));
    GOOGLE.stubFor(get(urlPathMatching("/admin/directory/v1/groups/eng-drive(@|%40)acme\\.example"))
        .willReturn(okJson("{\"id\":\"03abc\",\"email\":\"" + GROUP + "\",\"name\":\"Engineering Drive\"}")));
    GOOGLE.stubFor(get(urlPathMatching("/admin/directory/v1/users/dana(@|%40)acme\\.example")).willReturn(okJson("""
        {"id":"%s","primaryEmail":"dana@acme.example","name":{"fullName":"Dana"},"suspended":false,
         "lastLoginTime":"2026-12-01T08:00:00.000Z","relations":[{"value":"grace@acme.example","type":"manager"}]}"""
        .formatted(DANA_ID))));
    GOOGLE.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+/hasMember/.+")).willReturn(okJson("{\"isMember\":false}")));
    GOOGLE.stubFor(post(urlPathMatching(MEMBERS)).willReturn(okJson("{\"id\":\"" + DANA_ID + "\",\"role\":\"MEMBER\",\"type\":\"USER\"}")));
    GOOGLE.stubFor(delete(urlPathMatching(MEMBERS + "/" + DANA_ID)).willReturn(aResponse().withStatus(204)));
  }

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
      ConfigOverride.config("idp.google.serviceAccountKey", KEY.toString()),
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
