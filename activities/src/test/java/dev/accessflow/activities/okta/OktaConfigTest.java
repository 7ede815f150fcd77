package dev.accessflow.activities.okta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration rules, secret hygiene, and isolation from the SDK's ambient configuration. */
class OktaConfigTest {

  @Test
  void toStringNeverPrintsSecrets() {
    OktaConfig token = OktaConfig.withApiToken("https://acme.okta.com/", "00SECRETtoken");
    OktaConfig oauth = OktaConfig.withServiceApp("https://acme.okta.com", "0oaCLIENT",
        "-----BEGIN PRIVATE KEY-----\nMIIEvSECRET\n-----END PRIVATE KEY-----", List.of("okta.groups.manage"));

    assertThat(token.toString()).contains("https://acme.okta.com", "apiToken=[redacted]").doesNotContain("00SECRETtoken");
    assertThat(oauth.toString()).contains("0oaCLIENT", "okta.groups.manage", "privateKey=[redacted]").doesNotContain("MIIEvSECRET");
    assertThat(token.orgUrl()).isEqualTo("https://acme.okta.com");
    assertThat(token.redact("bad token 00SECRETtoken")).isEqualTo("bad token [redacted]");
  }

  @Test
  void refusesPlainHttpAndAmbiguousCredentials() {
    assertThatThrownBy(() -> OktaConfig.withApiToken("http://127.0.0.1:8080", "t"))
        .hasMessageContaining("https");
    assertThatThrownBy(() -> new OktaConfig("https://acme.okta.com", "t", "0oa", "key", List.of("s"), null, null, null))
        .hasMessageContaining("exactly one");
    assertThatThrownBy(() -> new OktaConfig("https://acme.okta.com", null, null, null, List.of(), null, null, null))
        .hasMessageContaining("exactly one");
    assertThatThrownBy(() -> OktaConfig.withServiceApp("https://acme.okta.com", "0oa", "key.pem", List.of()))
        .hasMessageContaining("scope");
    assertThatThrownBy(() -> OktaConfig.withApiToken("https://acme.okta.com", "t").withRequestTimeout(Duration.ofMillis(500)))
        .hasMessageContaining("second");
  }

  @Test
  void testJvmSeesNoAmbientOktaConfiguration() {
    // surefire points user.home at target/test-home and strips the SDK's OKTA_* variables.
    assertThat(OktaAmbientSettings.present()).isEmpty();
  }

  @Test
  void ambientSettingsAreNamedWithoutValues(@TempDir Path home) throws Exception {
    Files.createDirectories(home.resolve(".okta"));
    Files.writeString(home.resolve(".okta/okta.yaml"), "okta:\n  client:\n    token: REAL\n");

    Set<String> found = OktaAmbientSettings.present(Map.of("OKTA_CLIENT_TOKEN", "REAL", "PATH", "/bin"),
        Set.of("okta.client.orgUrl", "java.version"), home.toString());

    assertThat(found).containsExactlyInAnyOrder("env OKTA_CLIENT_TOKEN", "system property okta.client.orgUrl",
        "file " + home.resolve(".okta/okta.yaml"));
    assertThat(String.join(" ", found)).doesNotContain("REAL");
  }

  @Test
  void explicitSettingsWinOverAnAmbientOktaYaml(@TempDir Path home) throws Exception {
    // A developer's okta.yaml naming another org, OAuth mode and SDK retries must change nothing.
    Files.createDirectories(home.resolve(".okta"));
    Files.writeString(home.resolve(".okta/okta.yaml"), """
        okta:
          client:
            orgUrl: https://someone-elses-org.okta.com
            token: REAL-DEVELOPER-TOKEN
            authorizationMode: PrivateKey
            clientId: 0oaDEVELOPER
            rateLimit:
              maxRetries: 4
        """);
    String before = System.getProperty("user.home");
    System.setProperty("user.home", home.toString());
    try (OktaStub okta = new OktaStub()) {
      okta.wireMock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(
          com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
          .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse().withStatus(503)));
      var client = OktaDirectory.buildApiClient(okta.config);
      assertThat(client.getBasePath()).isEqualTo(OktaStub.ORG_URL);
      client.setBasePath(okta.wireMock.baseUrl());
      OktaDirectory directory = new OktaDirectory(client, okta.config, java.time.Clock.systemUTC());

      assertThatThrownBy(() -> directory.addMember(new dev.accessflow.workflows.model.Membership("R", "a", "00u1", "00g1")));
      // SSWS with our token (the contract checks the form), and exactly one attempt: no SDK retries.
      okta.wireMock.verify(1, com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
          com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).withHeader("Authorization",
          com.github.tomakehurst.wiremock.client.WireMock.equalTo("SSWS " + OktaStub.TOKEN)));
    } finally {
      System.setProperty("user.home", before);
    }
  }
}
