package dev.accessflow.activities.okta;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.okta.sdk.resource.client.ApiClient;
import dev.accessflow.activities.contract.OpenApiContract;
import java.time.Clock;

/**
 * A WireMock Okta on a free loopback port, and the contract every request to it must satisfy:
 * Okta's own spec plus {@code Authorization: SSWS <token>}. {@link #close()} fails the test if the
 * adapter sent anything the spec does not allow.
 */
final class OktaStub implements AutoCloseable {
  /** A fake token; failure messages are asserted not to contain it. */
  static final String TOKEN = "00FAKEtoken-never-in-messages-42";
  static final String ORG_URL = "https://accessflow-test.okta.com";

  final WireMockServer wireMock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final OpenApiContract contract = OpenApiContract.load(OpenApiContract.vendorSpec("okta/management-minimal.yaml"))
      .requireHeader("Authorization", "SSWS \\S+");
  final OktaConfig config;

  OktaStub() {
    this(OktaConfig.withApiToken(ORG_URL, TOKEN));
  }

  OktaStub(OktaConfig config) {
    this.config = config;
    wireMock.start();
    // Before a first grant accessflow asks which groups the user is in; by default, none (tests override).
    wireMock.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
            com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/api/v1/users/[^/]+/groups"))
        .atPriority(10).willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("[]")));
  }

  /** The production SDK client (https org URL, explicit settings), re-pointed at the stub. */
  ApiClient client() {
    ApiClient client = OktaDirectory.buildApiClient(config);
    client.setBasePath(wireMock.baseUrl());
    return client;
  }

  OktaDirectory directory() {
    return new OktaDirectory(client(), config, Clock.systemUTC());
  }

  OktaDirectory directory(OktaRateLimits limits) {
    return new OktaDirectory(client(), config, limits);
  }

  /** Stops without the contract check (a test that swaps in a differently configured stub). */
  void stop() {
    wireMock.stop();
  }

  @Override
  public void close() {
    try {
      int checked = contract.assertAllowed(wireMock);
      assertThat(checked).as("requests checked against the Okta spec").isPositive();
    } finally {
      wireMock.stop();
    }
  }
}
