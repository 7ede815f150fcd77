package dev.accessflow.activities.google;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import dev.accessflow.activities.contract.DiscoveryContract;
import dev.accessflow.activities.contract.OpenApiContract;
import java.net.URI;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * A WireMock Google (Directory, Reports, and the OAuth token endpoint) on a free loopback port.
 * {@link #close()} checks every Directory and Reports request against Google's own discovery
 * documents (specs/google) and fails the test if one is not described there.
 */
public final class GoogleStub implements AutoCloseable {
  static final String ADMIN = "it-admin@acme.example";
  static final String TOKEN = "ya29.fake-google-token";

  public final WireMockServer wireMock = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
  final DiscoveryContract directoryDoc = DiscoveryContract.load(OpenApiContract.vendorSpec("google/admin.directory_v1.json"));
  final DiscoveryContract reportsDoc = DiscoveryContract.load(OpenApiContract.vendorSpec("google/admin.reports_v1.json"));
  final GoogleConfig config;

  public GoogleStub() {
    wireMock.start();
    config = new GoogleConfig("{}", ADMIN, null, wireMock.baseUrl() + "/", null);
  }

  /** A fixed access token: google-auth's own flow is exercised by {@link #serviceAccount()}. */
  public GoogleDirectory directory() {
    return directory(fixedToken());
  }

  /** Credentials that always hold {@link #TOKEN}, and "refresh" to it (the adapter refreshes after a 401 or 403). */
  static GoogleCredentials fixedToken() {
    return new GoogleCredentials() {
      @Override
      public AccessToken refreshAccessToken() {
        return new AccessToken(TOKEN, new Date(System.currentTimeMillis() + 3_600_000));
      }
    };
  }

  GoogleDirectory directory(GoogleCredentials credentials) {
    return new GoogleDirectory(config, credentials, new NetHttpTransport(), Clock.systemUTC());
  }

  GoogleDirectory directory(Clock clock) {
    return new GoogleDirectory(config, fixedToken(), new NetHttpTransport(), clock);
  }

  /** A real service account (a fresh RSA key) whose token endpoint is this stub's /token, acting as the admin. */
  ServiceAccountCredentials serviceAccount() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return (ServiceAccountCredentials) ServiceAccountCredentials.newBuilder()
        .setClientEmail("accessflow@acme-project.iam.gserviceaccount.com").setClientId("1234567890")
        .setPrivateKey(generator.generateKeyPair().getPrivate()).setPrivateKeyId("key-1")
        .setTokenServerUri(URI.create(wireMock.baseUrl() + "/token")).setScopes(GoogleConfig.SCOPES)
        .setServiceAccountUser(ADMIN).setDefaultRetriesEnabled(false).build();
  }

  public static ResponseDefinitionBuilder json(int status, String body) {
    return WireMock.aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body);
  }

  /** Google's error body. */
  public static ResponseDefinitionBuilder error(int status, String reason, String message) {
    return json(status, "{\"error\":{\"code\":" + status + ",\"message\":\"" + message + "\",\"errors\":[{\"message\":\""
        + message + "\",\"domain\":\"global\",\"reason\":\"" + reason + "\"}]}}");
  }

  /** Violations of the directory and reports documents; the OAuth token endpoint is not theirs. */
  List<String> violations() {
    List<String> problems = new ArrayList<>();
    for (ServeEvent event : wireMock.getAllServeEvents()) {
      String url = event.getRequest().getUrl();
      if (url.startsWith("/token")) {
        continue;
      }
      problems.addAll((url.startsWith("/admin/reports/") ? reportsDoc : directoryDoc).violations(event.getRequest()));
    }
    return problems;
  }

  @Override
  public void close() {
    try {
      List<String> problems = violations();
      assertThat(problems).as("requests not described by Google's discovery documents").isEmpty();
      assertThat(wireMock.getAllServeEvents()).as("requests checked").isNotEmpty();
    } finally {
      wireMock.stop();
    }
  }
}
