package dev.accessflow.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process with {@code idp.type=entra}: azure-identity fetches a token with the client secret
 * from a login endpoint, and Graph calls carry it, both to a WireMock served over TLS with a test
 * CA ({@code idp.entra.trustedCa}), since MSAL takes only https authorities. Start-up checks the
 * catalog's Entra group and reads its name; a request approved by the requester's manager (from
 * Graph) adds the person and expiry removes them. The role also holds a Google group
 * ({@code idp.also=google}, {@code google:wiki-drive@acme.example}): the person is added there too,
 * by the id Google gives them, and removed from both.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class EntraEndToEndTest {
  static final String TENANT = "8f1c2a3b-0d4e-4f5a-9b6c-7d8e9f0a1b2c";
  static final String CLIENT_ID = "11111111-2222-4333-8444-555555555555";
  static final String SECRET = "entra~client~secret~never~logged";
  static final String GROUP = "9e9e9e9e-aaaa-4bbb-8ccc-dddddddddddd";
  static final String DANA = "0d0d0d0d-1111-4222-8333-444444444444";
  static final String MARIA = "0e0e0e0e-1111-4222-8333-444444444444";
  static final String TOKEN = "eyJ0eXAiOiJKV1Qi.entra-e2e.sig";
  static final String DRIVE = "wiki-drive@acme.example";
  static final String DANA_GOOGLE_ID = "104000000000000000009";
  static final GoogleWorkspaceStub GOOGLE = new GoogleWorkspaceStub(DRIVE, "Wiki drive", "dana@acme.example", DANA_GOOGLE_ID, null);
  static final WireMockServer ENTRA;
  static final Path CA;

  static {
    try {
      Path dir = Files.createTempDirectory("entra-tls");
      TestCertificates certs = new TestCertificates(dir, "accessflow test CA");
      CA = certs.caFile();
      TestCertificates.Issued server = certs.server("graph");
      Path keystore = dir.resolve("graph.p12");
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      Certificate cert = CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(server.certPem().getBytes(StandardCharsets.US_ASCII)));
      String key = server.keyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      PrivateKey privateKey = KeyFactory.getInstance(cert.getPublicKey().getAlgorithm())
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(key)));
      store.setKeyEntry("graph", privateKey, "changeit".toCharArray(), new Certificate[] {cert});
      try (OutputStream out = Files.newOutputStream(keystore)) {
        store.store(out, "changeit".toCharArray());
      }
      ENTRA = new WireMockServer(options().httpDisabled(true).dynamicHttpsPort().bindAddress("127.0.0.1")
          .keystorePath(keystore.toString()).keystoreType("PKCS12").keystorePassword("changeit").keyManagerPassword("changeit"));
      ENTRA.start();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    stubGraph();
  }

  static final Path CATALOG = AccessflowApp.shippedCatalogWith("apps:\n", """
        wiki:
          name: Wiki
          owners: [omar@acme.example]
          roles:
            editor:
              name: Editor
              groups: [%s, google:%s]
              risk: medium
              route: [{stage: manager, approvers: [manager]}]
              durations: [PT10S]
              maxDuration: PT1H
      """.formatted(GROUP, DRIVE));

  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(CATALOG,
      ConfigOverride.config("idp.type", "entra"),
      ConfigOverride.config("idp.entra.tenantId", TENANT),
      ConfigOverride.config("idp.entra.clientId", CLIENT_ID),
      ConfigOverride.config("idp.entra.clientSecret", SECRET),
      ConfigOverride.config("idp.entra.graphUrl", base() + "/v1.0"),
      ConfigOverride.config("idp.entra.authorityHost", base()),
      ConfigOverride.config("idp.entra.trustedCa", CA.toString()),
      ConfigOverride.config("idp.also", "google"),
      ConfigOverride.config("idp.google.serviceAccountKey", GOOGLE.key.toString()),
      ConfigOverride.config("idp.google.adminEmail", "it-admin@acme.example"),
      ConfigOverride.config("idp.google.rootUrl", GOOGLE.baseUrl() + "/"));

  private static String base() {
    return "https://127.0.0.1:" + ENTRA.httpsPort();
  }

  private static void stubGraph() {
    ENTRA.stubFor(post(urlPathEqualTo("/" + TENANT + "/oauth2/v2.0/token"))
        .withRequestBody(containing("grant_type=client_credentials"))
        .willReturn(okJson("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\""
            + TOKEN + "\"}")));
    // The shipped catalog's other groups: plain groups; the inventory finds them empty.
    ENTRA.stubFor(get(urlPathMatching("/v1.0/groups/[^/]+")).atPriority(10)
        .willReturn(okJson("{\"id\":\"other\",\"displayName\":\"Shipped group\",\"groupTypes\":[]}")));
    ENTRA.stubFor(get(urlPathMatching("/v1.0/groups/[^/]+/members")).atPriority(10).willReturn(okJson("{\"value\":[]}")));
    ENTRA.stubFor(get(urlPathEqualTo("/v1.0/groups/" + GROUP)).willReturn(okJson(
        "{\"id\":\"" + GROUP + "\",\"displayName\":\"Wiki editors\",\"groupTypes\":[],\"onPremisesSyncEnabled\":null}")));
    ENTRA.stubFor(get(urlPathMatching("/v1.0/users/dana(@|%40)acme\\.example")).willReturn(okJson(person(DANA, "dana@acme.example", "Dana"))));
    ENTRA.stubFor(get(urlPathEqualTo("/v1.0/users/" + DANA + "/manager")).willReturn(okJson(person(MARIA, "maria@acme.example", "Maria"))));
    ENTRA.stubFor(get(urlPathMatching("/v1.0/users/[^/]+/memberOf")).willReturn(okJson("{\"value\":[]}")));
    ENTRA.stubFor(post(urlPathEqualTo("/v1.0/groups/" + GROUP + "/members/$ref")).willReturn(aResponse().withStatus(204)));
    ENTRA.stubFor(delete(urlPathEqualTo("/v1.0/groups/" + GROUP + "/members/" + DANA + "/$ref")).willReturn(aResponse().withStatus(204)));
  }

  private static String person(String id, String upn, String name) {
    return "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"" + id + "\",\"userPrincipalName\":\"" + upn
        + "\",\"displayName\":\"" + name + "\",\"accountEnabled\":true,\"department\":\"Engineering\"}";
  }

  @AfterAll
  static void stopEntra() {
    ENTRA.stop();
    GOOGLE.server.stop();
  }

  @Test
  void requestApprovedByTheManagerGraphNamesIsAddedInEntraAndGoogleAndRemovedFromBothAtExpiry() {
    Http http = new Http(APP.getLocalPort());

    Http.Reply created = http.post("/v1/requests", """
        {"requester":"dana@acme.example","app":"wiki","role":"editor","duration":"PT10S","reason":"fix the runbook"}""");
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    String id = created.text("requestId");
    // Not Omar (an owner, not the manager): only the manager Graph named may approve.
    Http.Reply notApprover = http.post("/v1/requests/" + id + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"omar@acme.example\",\"comment\":\"ok\"}");
    assertThat(notApprover.status()).isEqualTo(403);
    ENTRA.verify(0, postRequestedFor(urlPathEqualTo("/v1.0/groups/" + GROUP + "/members/$ref")));

    Http.Reply approved = http.post("/v1/requests/" + id + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"maria@acme.example\",\"comment\":\"ok\"}");
    assertThat(approved.status()).as(approved.body().toString()).isEqualTo(200);
    http.awaitStatus(id, "ACTIVE", Duration.ofSeconds(30));
    ENTRA.verify(postRequestedFor(urlPathEqualTo("/v1.0/groups/" + GROUP + "/members/$ref"))
        .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + TOKEN))
        .withRequestBody(equalToJson("{\"@odata.id\":\"" + base() + "/v1.0/directoryObjects/" + DANA + "\"}")));

    GOOGLE.server.verify(postRequestedFor(urlPathMatching(GOOGLE.members))
        .withHeader("Authorization", com.github.tomakehurst.wiremock.client.WireMock.equalTo("Bearer " + GoogleWorkspaceStub.TOKEN))
        .withRequestBody(equalToJson("{\"email\":\"dana@acme.example\",\"role\":\"MEMBER\"}")));

    Http.Reply expired = http.awaitStatus(id, "EXPIRED", Duration.ofSeconds(60));
    ENTRA.verify(1, deleteRequestedFor(urlPathEqualTo("/v1.0/groups/" + GROUP + "/members/" + DANA + "/$ref")));
    GOOGLE.server.verify(1, deleteRequestedFor(urlPathMatching(GOOGLE.members + "/" + DANA_GOOGLE_ID)));
    // The request names each group with its directory.
    assertThat(expired.body().toString()).contains("Wiki editors", "google:" + DRIVE, "Wiki drive");

    // The secret went to the login endpoint only, in the token request's form body, never to Graph.
    for (ServeEvent event : ENTRA.getAllServeEvents()) {
      boolean tokenCall = event.getRequest().getUrl().contains("/oauth2/v2.0/token");
      if (!tokenCall) {
        assertThat(event.getRequest().getBodyAsString()).doesNotContain(SECRET);
        assertThat(event.getRequest().getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
      }
    }
  }
}
