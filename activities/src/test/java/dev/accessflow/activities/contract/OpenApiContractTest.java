package dev.accessflow.activities.contract;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Proves the contract check catches requests the Okta spec does not allow, and passes those it does. */
class OpenApiContractTest {
  private static final String TOKEN = "00secret-token-value";

  private final WireMockServer wireMock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  private final HttpClient http = HttpClient.newHttpClient();
  private OpenApiContract okta;

  @BeforeEach
  void start() {
    wireMock.start();
    wireMock.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));
    okta = OpenApiContract.load(OpenApiContract.vendorSpec("okta/management-minimal.yaml"))
        .requireHeader("Authorization", "SSWS \\S+");
  }

  @AfterEach
  void stop() {
    wireMock.stop();
  }

  @Test
  void allowsTheMembershipCallsOfTheSpec() throws Exception {
    send("PUT", "/api/v1/groups/00g1/users/00u1", "SSWS " + TOKEN);
    send("DELETE", "/api/v1/groups/00g1/users/00u1", "SSWS " + TOKEN);
    send("GET", "/api/v1/users/ada%40example.com", "SSWS " + TOKEN);

    assertThat(okta.assertAllowed(wireMock)).isEqualTo(3);
  }

  @Test
  void rejectsAWrongMethodOnTheMembershipPath() throws Exception {
    send("POST", "/api/v1/groups/00g1/users/00u1", "SSWS " + TOKEN);

    List<String> violations = okta.violations(wireMock);
    System.out.println("wrong method -> " + violations);
    assertThat(violations).singleElement().asString()
        .startsWith("POST /api/v1/groups/00g1/users/00u1: validation.request.operation.notAllowed");
    assertThatThrownBy(() -> okta.assertAllowed(wireMock)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("management-minimal.yaml");
  }

  @Test
  void rejectsAPathTheSpecDoesNotHave() throws Exception {
    send("PUT", "/api/v1/groups/00g1/members/00u1", "SSWS " + TOKEN);

    List<String> violations = okta.violations(wireMock);
    System.out.println("wrong path -> " + violations);
    assertThat(violations).singleElement().asString().contains("validation.request.path.missing");
  }

  @Test
  void rejectsAMissingOrMalformedAuthorizationWithoutPrintingIt() throws Exception {
    send("PUT", "/api/v1/groups/00g1/users/00u1", null);
    send("PUT", "/api/v1/groups/00g1/users/00u1", "Bearer " + TOKEN);

    List<String> violations = okta.violations(wireMock);
    System.out.println("auth -> " + violations);
    assertThat(violations).anySatisfy(v -> assertThat(v).contains("required header authorization is missing"));
    assertThat(violations).anySatisfy(v -> assertThat(v).contains("does not match SSWS"));
    assertThat(String.join("\n", violations)).doesNotContain(TOKEN);
  }

  @Test
  void checksRequestBodiesAgainstTheSchema() throws Exception {
    send("POST", "/api/v1/groups", "SSWS " + TOKEN, "{\"profile\": \"not an object\"}");
    send("POST", "/api/v1/groups", "SSWS " + TOKEN, "{\"profile\": {\"name\": \"jit-admins\"}}");

    List<String> violations = okta.violations(wireMock);
    System.out.println("body -> " + violations);
    assertThat(violations).singleElement().asString().contains("validation.request.body.schema.type");
  }

  @Test
  void isVendorNeutralAndLoadsTheJiraSpec() throws Exception {
    OpenApiContract jira = OpenApiContract.load(OpenApiContract.vendorSpec("jira/swagger-v3.v3.json"));
    send("GET", "/rest/api/3/issue/ACC-1/transitions", "Basic dXNlcjp0b2tlbg==");
    send("PUT", "/rest/api/3/issue/ACC-1/transitions", "Basic dXNlcjp0b2tlbg==");

    List<String> violations = jira.violations(wireMock);
    assertThat(violations).singleElement().asString()
        .startsWith("PUT /rest/api/3/issue/ACC-1/transitions: validation.request.operation.notAllowed");
  }

  @Test
  void parsesTheSpecOncePerJvm() {
    OpenApiContract.load(OpenApiContract.vendorSpec("okta/management-minimal.yaml"));
    int parsed = OpenApiContract.PARSES.get();
    OpenApiContract.load(OpenApiContract.vendorSpec("okta/management-minimal.yaml"));
    assertThat(OpenApiContract.PARSES.get()).as("parses after a second load").isEqualTo(parsed);
  }

  private void send(String method, String path, String authorization) throws Exception {
    send(method, path, authorization, null);
  }

  private void send(String method, String path, String authorization, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(wireMock.baseUrl() + path))
        .header("Accept", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
    assertThat(response.statusCode()).isEqualTo(204);
  }
}
