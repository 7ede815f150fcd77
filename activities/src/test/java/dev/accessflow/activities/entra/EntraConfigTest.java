package dev.accessflow.activities.entra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EntraConfigTest {
  @Test
  void aCompleteConfigHasNoProblemsAndItsTextHasNoSecret() {
    EntraConfig config = EntraConfig.withSecret("acme.onmicrosoft.com", EntraStub.CLIENT_ID, EntraStub.SECRET);

    assertThat(config.problems()).isEmpty();
    assertThat(config.graphUrl()).isEqualTo(EntraConfig.GRAPH_URL);
    assertThat(config.toString()).doesNotContain(EntraStub.SECRET).contains("credential=secret");
    assertThat(config.redact("AADSTS… " + EntraStub.SECRET)).doesNotContain(EntraStub.SECRET);
  }

  @Test
  void eachProblemIsNamed() {
    EntraConfig config = new EntraConfig("not a tenant", "abc", "secret", "-----BEGIN CERTIFICATE-----", "http://graph.example",
        "http://login.example", Duration.ZERO, null);

    assertThat(config.problems()).hasSize(6).anySatisfy(p -> assertThat(p).startsWith("idp.entra.tenantId"))
        .anySatisfy(p -> assertThat(p).startsWith("idp.entra.clientId"))
        .anySatisfy(p -> assertThat(p).contains("exactly one of clientSecret"))
        .anySatisfy(p -> assertThat(p).startsWith("idp.entra.graphUrl"))
        .anySatisfy(p -> assertThat(p).startsWith("idp.entra.authorityHost"))
        .anySatisfy(p -> assertThat(p).startsWith("idp.entra.requestTimeout"))
        .noneSatisfy(p -> assertThat(p).contains("secret\""));
    assertThat(EntraConfig.withSecret(EntraStub.TENANT, EntraStub.CLIENT_ID, "").problems())
        .containsExactly("idp.entra: set exactly one of clientSecret (ENTRA_CLIENT_SECRET) and certificate (ENTRA_CERTIFICATE)");
  }

  @Test
  void theAadstsCodeIsPickedOutOfMsalsMessage() {
    assertThat(EntraDirectory.aadsts("ClientSecretCredential authentication failed: AADSTS7000215: Invalid client secret provided."
        + " Ensure the secret…")).isEqualTo("AADSTS7000215: Invalid client secret provided");
    assertThat(EntraDirectory.aadsts("connection refused")).isNull();
  }
}
