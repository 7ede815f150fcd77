package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * accessflow against a Temporal cluster served over TLS with generated certificates: mTLS with a
 * client certificate (a request granted end to end through the real process), Temporal Cloud's API
 * key on every call, and each wrong setting refused by the cluster or, before connecting, by the
 * configuration check naming the setting.
 */
class TemporalTlsTest {
  @TempDir static Path dir;
  static TestCertificates authority;
  static TestCertificates.Issued serverCert;
  static TestCertificates.Issued clientCert;

  @BeforeAll
  static void certificates() {
    authority = new TestCertificates(dir, "accessflow-test-ca");
    serverCert = authority.server("temporal-frontend");
    clientCert = authority.client("accessflow-worker");
  }

  @Test
  void aRequestIsGrantedEndToEndThroughAClusterThatRequiresAClientCertificate() throws Exception {
    try (TlsTemporalServer cluster = new TlsTemporalServer(serverCert, authority.caFile(), null)) {
      // The CA and the certificate as files, the key as PEM text (as an environment variable would carry it).
      DropwizardAppExtension<AccessflowConfiguration> app = AccessflowApp.embedded(
          ConfigOverride.config("temporal.target", cluster.target()),
          ConfigOverride.config("temporal.stickyExecution", "false"),
          ConfigOverride.config("temporal.tls.enabled", "true"),
          ConfigOverride.config("temporal.tls.caCert", authority.caFile().toString()),
          ConfigOverride.config("temporal.tls.clientCert", clientCert.certFile().toString()),
          ConfigOverride.config("temporal.tls.clientKey", clientCert.keyPem()));
      app.before();
      try {
        Http http = new Http(app.getLocalPort());
        Http.Reply created = http.post("/v1/requests", """
            {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT10S","reason":"tls"}""");
        assertThat(created.status()).isEqualTo(201);
        String id = created.text("requestId");
        assertThat(http.post("/v1/requests/" + id + "/decision",
            "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\"}").status()).isEqualTo(200);
        http.awaitStatus(id, "ACTIVE", Duration.ofSeconds(30));
        assertThat(http.get("/v1/sandbox/memberships").body().path("sandbox-readers").toString())
            .isEqualTo("[\"dana@example.com\"]");
      } finally {
        app.after();
      }
    }
  }

  @Test
  void aProcessTheClusterTurnsAwayStopsAtStartUpSayingWhatToCheck() throws Exception {
    try (TlsTemporalServer cluster = new TlsTemporalServer(serverCert, authority.caFile(), null)) {
      DropwizardAppExtension<AccessflowConfiguration> app = AccessflowApp.embedded(
          ConfigOverride.config("temporal.target", cluster.target()),
          ConfigOverride.config("temporal.stickyExecution", "false"),
          ConfigOverride.config("temporal.registerSearchAttributes", "false"),
          ConfigOverride.config("temporal.tls.enabled", "true"),
          ConfigOverride.config("temporal.tls.caCert", authority.caFile().toString())); // no client certificate
      try {
        assertThatThrownBy(app::before).hasStackTraceContaining("Temporal at " + cluster.target()
            + " did not take the worker's first call (UNAVAILABLE").hasStackTraceContaining("TEMPORAL_TLS_CA_CERT");
      } finally {
        app.after();
      }
    }
  }

  @Test
  void theApiKeyGoesWithEveryCallIncludingTheOperatorsAndAWrongOneIsRefused() throws Exception {
    try (TlsTemporalServer cloud = new TlsTemporalServer(serverCert, null, "tmprl-key-0123456789")) {
      AccessflowConfiguration.TemporalSettings settings = tls(cloud.target());
      settings.tls.caCert = authority.caFile().toString();
      settings.apiKey = "tmprl-key-0123456789";
      WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
          TemporalConnection.options(settings, cloud.target()).build());
      try {
        assertThat(service.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()).hasCapabilities())
            .isTrue();
        // The operator's calls (search attributes) carry the key too; without it they are refused.
        OperatorServiceStubs operator = OperatorServiceStubs.newServiceStubs(
            TemporalConnection.operatorOptions(service, settings.apiKey));
        operator.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder().setNamespace("default")
            .putSearchAttributes("AccessStatus", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD).build());
        operator.shutdown();
        assertThat(cloud.refusedKeys).hasValue(0);
        OperatorServiceStubs keyless = OperatorServiceStubs.newServiceStubs(TemporalConnection.operatorOptions(service, ""));
        assertThatThrownBy(() -> keyless.blockingStub().addSearchAttributes(AddSearchAttributesRequest.newBuilder()
            .setNamespace("default").putSearchAttributes("AccessApp", IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD)
            .build())).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
        keyless.shutdown();
      } finally {
        service.shutdownNow();
      }

      settings.apiKey = "tmprl-key-wrong";
      WorkflowServiceStubs wrong = WorkflowServiceStubs.newServiceStubs(
          TemporalConnection.options(settings, cloud.target()).build());
      try {
        assertThatThrownBy(() -> wrong.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      } finally {
        wrong.shutdownNow();
      }
    }
  }

  @Test
  void withoutItsClientCertificateOrTheClustersCaOrTlsAtAllTheClientIsTurnedAway() {
    try (TlsTemporalServer cluster = new TlsTemporalServer(serverCert, authority.caFile(), null)) {
      AccessflowConfiguration.TemporalSettings noCert = tls(cluster.target());
      noCert.tls.caCert = authority.caFile().toString();
      AccessflowConfiguration.TemporalSettings otherCa = tls(cluster.target());
      otherCa.tls.clientCert = clientCert.certPem();
      otherCa.tls.clientKey = clientCert.keyPem(); // trusts only the JVM's CAs, not the cluster's
      AccessflowConfiguration.TemporalSettings plain = new AccessflowConfiguration.TemporalSettings();
      plain.target = cluster.target();
      for (var settings : List.of(noCert, otherCa, plain)) {
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
            TemporalConnection.options(settings, cluster.target()).setRpcTimeout(Duration.ofSeconds(5)).build());
        try {
          assertThatThrownBy(() -> service.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance()))
              .isInstanceOf(StatusRuntimeException.class);
        } finally {
          service.shutdownNow();
        }
      }
    }
  }

  @Test
  void inconsistentSettingsAreRefusedBeforeConnectingEachNamedAndNoKeyTextInTheMessage() throws Exception {
    AccessflowConfiguration.TemporalSettings keyInClear = new AccessflowConfiguration.TemporalSettings();
    keyInClear.target = "acme.a1b2c.tmprl.cloud:7233";
    keyInClear.apiKey = "tmprl-secret-key";
    assertThat(TemporalConnection.problems(keyInClear)).singleElement().asString()
        .contains("temporal.apiKey", "clear text", "TEMPORAL_TLS=true").doesNotContain("tmprl-secret-key");

    AccessflowConfiguration.TemporalSettings half = tls("acme.a1b2c.tmprl.cloud:7233");
    half.tls.clientKey = clientCert.keyPem();
    assertThat(TemporalConnection.problems(half)).singleElement().asString()
        .contains("clientCert and clientKey go together", "TEMPORAL_TLS_CLIENT_CERT")
        .doesNotContain("PRIVATE KEY");

    AccessflowConfiguration.TemporalSettings missing = tls("temporal:7233");
    missing.tls.caCert = dir.resolve("no-such-ca.pem").toString();
    Path notPem = Files.writeString(dir.resolve("not-pem.txt"), "hello");
    missing.tls.clientCert = notPem.toString();
    missing.tls.clientKey = clientCert.keyFile().toString();
    assertThat(TemporalConnection.problems(missing)).containsExactly(
        "temporal.tls.caCert: no readable file " + missing.tls.caCert + " (give a path, or the PEM text itself)",
        "temporal.tls.clientCert: " + notPem + " is not PEM (no -----BEGIN line)");
    assertThatThrownBy(() -> TemporalConnection.options(missing, missing.target))
        .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("config temporal.tls.caCert: no readable file");

    AccessflowConfiguration.TemporalSettings offButSet = new AccessflowConfiguration.TemporalSettings();
    offButSet.target = "temporal:7233";
    offButSet.tls.caCert = authority.caFile().toString();
    assertThat(TemporalConnection.problems(offButSet)).singleElement().asString().contains("TEMPORAL_TLS=true");

    AccessflowConfiguration.TemporalSettings embedded = new AccessflowConfiguration.TemporalSettings();
    embedded.apiKey = "tmprl-secret-key";
    assertThat(TemporalConnection.problems(embedded)).singleElement().asString()
        .contains("TEMPORAL_ADDRESS", "embedded").doesNotContain("tmprl-secret-key");

    assertThat(TemporalConnection.problems(tls("acme.a1b2c.tmprl.cloud:7233"))).isEmpty();
  }

  @Test
  void aPemFromAnEnvironmentVariableReadsTheSameWithItsLineBreaksFoldedToSpacesOrWrittenAsBackslashN() {
    byte[] file = TemporalConnection.pem("tls.clientKey", clientCert.keyFile().toString());
    assertThat(TemporalConnection.pem("tls.clientKey", clientCert.keyPem())).isEqualTo(file);
    assertThat(TemporalConnection.pem("tls.clientKey", clientCert.keyPem().replace("\n", " "))).isEqualTo(file);
    assertThat(TemporalConnection.pem("tls.clientKey", clientCert.keyPem().replace("\n", "\\n"))).isEqualTo(file);
    assertThat(new String(file, java.nio.charset.StandardCharsets.US_ASCII)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThatThrownBy(() -> TemporalConnection.pem("tls.clientKey", "-----BEGIN PRIVATE KEY----- MIIE"))
        .hasMessage("temporal.tls.clientKey: no complete PEM block (-----BEGIN ... -----END ...)");
  }

  private static AccessflowConfiguration.TemporalSettings tls(String target) {
    AccessflowConfiguration.TemporalSettings settings = new AccessflowConfiguration.TemporalSettings();
    settings.target = target;
    settings.tls.enabled = true;
    return settings;
  }
}
