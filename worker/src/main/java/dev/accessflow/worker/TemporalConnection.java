package dev.accessflow.worker;

import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.SimpleSslContextBuilder;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;

/**
 * How this process reaches a Temporal cluster: plain gRPC, TLS (the cluster's CA or the JVM's),
 * mTLS with a client certificate (Temporal Cloud's certificates, or a self-hosted cluster's), and
 * Temporal Cloud API keys. Certificates and keys are given as a file path or as the PEM text
 * itself (an environment variable). Every setting is checked before anything connects, and a
 * problem names the setting; no key or certificate text is ever in a message.
 */
final class TemporalConnection {
  private TemporalConnection() {}

  /** The service stubs' options for {@code target}; throws IllegalStateException naming a bad setting. */
  static WorkflowServiceStubsOptions.Builder options(AccessflowConfiguration.TemporalSettings temporal, String target) {
    List<String> problems = problems(temporal);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("config " + String.join("\nconfig ", problems));
    }
    WorkflowServiceStubsOptions.Builder options = WorkflowServiceStubsOptions.newBuilder().setTarget(target);
    var tls = temporal.tls;
    if (!temporal.embedded() && tls.enabled) {
      options.setSslContext(sslContext(tls));
      if (!blank(tls.serverName)) {
        String authority = tls.serverName.strip();
        options.setChannelInitializer(channel -> channel.overrideAuthority(authority));
      }
    }
    if (!blank(temporal.apiKey)) {
      String key = temporal.apiKey.strip();
      options.addApiKey(() -> key);
    }
    return options;
  }

  /** Operator calls (search attributes) over the workflow service's channel, with the same API key. */
  static OperatorServiceStubsOptions operatorOptions(WorkflowServiceStubs service, String apiKey) {
    OperatorServiceStubsOptions.Builder options = OperatorServiceStubsOptions.newBuilder()
        .setChannel(service.getRawChannel());
    if (!blank(apiKey)) {
      String key = apiKey.strip();
      options.addApiKey(() -> key);
    }
    return options.validateAndBuildWithDefaults();
  }

  /** Every inconsistency of the Temporal settings, each naming its setting; empty when they are fine. */
  static List<String> problems(AccessflowConfiguration.TemporalSettings temporal) {
    List<String> problems = new ArrayList<>();
    var tls = temporal.tls;
    boolean anyTls = tls.enabled || !blank(tls.caCert) || !blank(tls.clientCert) || !blank(tls.clientKey)
        || !blank(tls.serverName);
    if (temporal.embedded()) {
      if (anyTls || !blank(temporal.apiKey)) {
        problems.add("temporal.tls and temporal.apiKey are for a Temporal cluster, but temporal.target (TEMPORAL_ADDRESS) is empty, which"
            + " runs the embedded server; set the cluster's address, or unset the TLS and API key settings");
      }
      return problems;
    }
    if (!tls.enabled && anyTls) {
      problems.add("temporal.tls: caCert, clientCert, clientKey or serverName is set but tls.enabled (TEMPORAL_TLS) is"
          + " false;"
          + " set TEMPORAL_TLS=true");
    }
    if (!blank(temporal.apiKey) && !tls.enabled) {
      problems.add("temporal.apiKey (TEMPORAL_API_KEY) is set but TLS is off, so the key would travel in clear text; set"
          + " TEMPORAL_TLS=true (Temporal Cloud requires it)");
    }
    if (blank(tls.clientCert) != blank(tls.clientKey)) {
      problems.add("temporal.tls: clientCert and clientKey go together (mTLS): " + (blank(tls.clientCert)
          ? "clientKey is set, clientCert (TEMPORAL_TLS_CLIENT_CERT) is empty"
          : "clientCert is set, clientKey (TEMPORAL_TLS_CLIENT_KEY) is empty"));
    }
    for (String[] pem : new String[][] {{"tls.caCert", tls.caCert}, {"tls.clientCert", tls.clientCert},
        {"tls.clientKey", tls.clientKey}}) {
      if (!blank(pem[1])) {
        try {
          pem(pem[0], pem[1]);
        } catch (IllegalStateException e) {
          problems.add(e.getMessage());
        }
      }
    }
    return problems;
  }

  private static SslContext sslContext(AccessflowConfiguration.TlsSettings tls) {
    SimpleSslContextBuilder builder = blank(tls.clientCert)
        ? SimpleSslContextBuilder.noKeyOrCertChain()
        : SimpleSslContextBuilder.forPKCS8(new ByteArrayInputStream(pem("tls.clientCert", tls.clientCert)),
            new ByteArrayInputStream(pem("tls.clientKey", tls.clientKey)));
    if (!blank(tls.caCert)) {
      builder.setTrustManager(trusting(pem("tls.caCert", tls.caCert)));
    }
    try {
      return builder.build();
    } catch (IOException | RuntimeException e) {
      // Netty's reason (e.g. "not a PKCS#8 key") names no key material.
      throw new IllegalStateException("config temporal.tls: the client certificate and key do not load ("
          + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst()
          .orElse("")) + "); the key must be PEM PKCS#8 ('BEGIN PRIVATE KEY'): convert one with"
          + " 'openssl pkcs8 -topk8 -nocrypt -in client.key -out client.pkcs8.key'");
    }
  }

  /** Trust exactly the given CA certificates (a self-hosted cluster's own CA). */
  private static javax.net.ssl.TrustManager trusting(byte[] caPem) {
    try {
      Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(caPem));
      if (cas.isEmpty()) {
        throw new IllegalStateException("config temporal.tls.caCert: no certificate in it");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate ca : cas) {
        store.setCertificateEntry("temporal-ca-" + i++, ca);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      return factory.getTrustManagers()[0];
    } catch (CertificateException e) {
      throw new IllegalStateException("config temporal.tls.caCert: not a PEM certificate (" + e.getMessage() + ")");
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("config temporal.tls.caCert: cannot be used (" + e.getMessage() + ")");
    }
  }

  private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----",
      Pattern.DOTALL);

  /**
   * A PEM value: the text itself when it holds a PEM block, else the file it names. Text from an
   * environment variable often arrives with its line breaks folded to spaces (YAML) or written as
   * {@code \n}: each block is rebuilt with its base64 in 64-character lines.
   */
  static byte[] pem(String setting, String value) {
    String v = value.strip();
    if (v.contains("-----BEGIN ")) {
      return normalized(setting, v.replace("\\n", "\n"));
    }
    try {
      Path file = Path.of(v);
      if (!Files.isReadable(file)) {
        throw new IllegalStateException("temporal." + setting + ": no readable file " + file
            + " (give a path, or the PEM text itself)");
      }
      String read = Files.readString(file, StandardCharsets.US_ASCII);
      if (!read.contains("-----BEGIN ")) {
        throw new IllegalStateException("temporal." + setting + ": " + file + " is not PEM (no -----BEGIN line)");
      }
      return normalized(setting, read);
    } catch (InvalidPathException e) {
      throw new IllegalStateException("temporal." + setting + ": neither PEM text nor a file path");
    } catch (IOException e) {
      throw new IllegalStateException("temporal." + setting + ": cannot read " + v + " (" + e.getMessage() + ")");
    }
  }

  private static byte[] normalized(String setting, String text) {
    Matcher block = PEM_BLOCK.matcher(text);
    StringBuilder out = new StringBuilder();
    while (block.find()) {
      String body = block.group(2).replaceAll("\\s", "");
      out.append("-----BEGIN ").append(block.group(1)).append("-----\n");
      for (int i = 0; i < body.length(); i += 64) {
        out.append(body, i, Math.min(body.length(), i + 64)).append('\n');
      }
      out.append("-----END ").append(block.group(1)).append("-----\n");
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("temporal." + setting + ": no complete PEM block (-----BEGIN ... -----END ...)");
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
