package dev.accessflow.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A WireMock Google Workspace for process tests: a real service-account JSON key (a fresh RSA key)
 * whose token endpoint is this stub, one group with one person who may join it, and every other
 * group present and empty.
 */
final class GoogleWorkspaceStub {
  static final String TOKEN = "ya29.google-e2e";

  final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final Path key;
  final String members;
  final String personId;

  /** @param group the group's email; @param person the person's email; @param manager their manager's email, or null */
  GoogleWorkspaceStub(String group, String groupName, String person, String personId, String manager) {
    server.start();
    this.personId = personId;
    this.members = "/admin/directory/v1/groups/" + encodedEmail(group) + "/members";
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
          .encodeToString(generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
      key = Files.createTempFile("service-account", ".json");
      Files.writeString(key, new ObjectMapper().writeValueAsString(Map.of("type", "service_account",
          "project_id", "acme-project", "private_key_id", "key-1", "private_key", pem,
          "client_email", "accessflow@acme-project.iam.gserviceaccount.com", "client_id", "1234567890",
          "token_uri", server.baseUrl() + "/token")));
      key.toFile().deleteOnExit();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    server.stubFor(post(urlPathEqualTo("/token")).withRequestBody(matching(".*grant-type%3Ajwt-bearer.*"))
        .willReturn(okJson("{\"access_token\":\"" + TOKEN + "\",\"token_type\":\"Bearer\",\"expires_in\":3599}")));
    server.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+")).atPriority(10)
        .willReturn(okJson("{\"id\":\"03x\",\"name\":\"Shipped group\"}")));
    server.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+/members")).atPriority(10)
        .willReturn(okJson("{\"members\":[]}")));
    server.stubFor(get(urlPathMatching("/admin/directory/v1/groups/" + encodedEmail(group)))
        .willReturn(okJson("{\"id\":\"03abc\",\"email\":\"" + group + "\",\"name\":\"" + groupName + "\"}")));
    server.stubFor(get(urlPathMatching("/admin/directory/v1/users/" + encodedEmail(person))).willReturn(okJson("""
        {"id":"%s","primaryEmail":"%s","name":{"fullName":"Dana"},"suspended":false,
         "lastLoginTime":"2026-12-01T08:00:00.000Z"%s}""".formatted(personId, person,
        manager == null ? "" : ",\"relations\":[{\"value\":\"" + manager + "\",\"type\":\"manager\"}]"))));
    server.stubFor(get(urlPathMatching("/admin/directory/v1/groups/[^/]+/hasMember/.+")).willReturn(okJson("{\"isMember\":false}")));
    server.stubFor(post(urlPathMatching(members)).willReturn(okJson("{\"id\":\"" + personId + "\",\"role\":\"MEMBER\",\"type\":\"USER\"}")));
    server.stubFor(delete(urlPathMatching(members + "/" + personId)).willReturn(aResponse().withStatus(204)));
  }

  /** An email in a path as a regex: Google's client may or may not encode the {@code @}. */
  static String encodedEmail(String email) {
    return Pattern.quote(email.substring(0, email.indexOf('@'))) + "(@|%40)" + Pattern.quote(email.substring(email.indexOf('@') + 1));
  }

  String baseUrl() {
    return server.baseUrl();
  }
}
