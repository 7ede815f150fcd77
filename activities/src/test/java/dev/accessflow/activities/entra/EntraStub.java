package dev.accessflow.activities.entra;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import dev.accessflow.activities.contract.OpenApiContract;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A WireMock Microsoft Graph on a free loopback port, and the contract every request to it must
 * satisfy: Graph's own OpenAPI description (the v1.0 subset in specs/) and a bearer token.
 * {@link #close()} fails the test if the adapter sent anything the description does not allow.
 */
final class EntraStub implements AutoCloseable {
  static final String TENANT = "8f1c2a3b-0d4e-4f5a-9b6c-7d8e9f0a1b2c";
  static final String CLIENT_ID = "11111111-2222-4333-8444-555555555555";
  static final String SECRET = "never~in~messages~Entra-secret-42";
  static final String TOKEN = "eyJ0eXAi.fake-graph-token.sig";

  final WireMockServer wireMock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final OpenApiContract contract = OpenApiContract.load(OpenApiContract.vendorSpec("entra/graph-v1.0-subset.yaml"))
      .requireHeader("Authorization", "Bearer \\S+");
  final EntraConfig config;

  EntraStub() {
    wireMock.start();
    config = EntraConfig.withSecret(TENANT, CLIENT_ID, SECRET).withGraphUrl(graphUrl());
    // Before a first grant accessflow asks which groups the user is in; by default, none (tests override).
    wireMock.stubFor(WireMock.get(WireMock.urlPathMatching("/v1.0/users/[^/]+/memberOf")).atPriority(10)
        .willReturn(json(200, "{\"value\":[]}")));
  }

  String graphUrl() {
    return wireMock.baseUrl() + "/v1.0";
  }

  /** The production client factory, with a fixed token for the stub's host instead of azure-identity. */
  GraphServiceClient graph() {
    return graph(() -> TOKEN);
  }

  GraphServiceClient graph(Supplier<String> token) {
    AccessTokenProvider tokens = new AccessTokenProvider() {
      private final AllowedHostsValidator hosts = new AllowedHostsValidator("127.0.0.1");

      @Override
      public String getAuthorizationToken(URI uri, Map<String, Object> context) {
        return token.get();
      }

      @Override
      public AllowedHostsValidator getAllowedHostsValidator() {
        return hosts;
      }
    };
    return EntraDirectory.graphClient(config, new BaseBearerTokenAuthenticationProvider(tokens));
  }

  EntraDirectory directory() {
    return new EntraDirectory(graph(), config, Clock.systemUTC());
  }

  EntraDirectory directory(Clock clock) {
    return new EntraDirectory(graph(), config, clock);
  }

  static ResponseDefinitionBuilder json(int status, String body) {
    return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
  }

  /** Graph's error body. */
  static ResponseDefinitionBuilder error(int status, String code, String message) {
    return json(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message
        + "\",\"innerError\":{\"request-id\":\"r-1\",\"date\":\"2026-12-03T10:00:00\"}}}");
  }

  static String user(String id, String upn, String name, boolean enabled, String department) {
    return "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"" + id + "\",\"userPrincipalName\":\"" + upn
        + "\",\"mail\":\"" + upn + "\",\"displayName\":\"" + name + "\",\"accountEnabled\":" + enabled
        + ",\"department\":" + (department == null ? "null" : "\"" + department + "\"") + ",\"jobTitle\":\"Engineer\"}";
  }

  @Override
  public void close() {
    try {
      int checked = contract.assertAllowed(wireMock);
      assertThat(checked).as("requests checked against Graph's description").isPositive();
    } finally {
      wireMock.stop();
    }
  }
}
