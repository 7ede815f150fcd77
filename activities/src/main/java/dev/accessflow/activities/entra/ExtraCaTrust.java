package dev.accessflow.activities.entra;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The JVM's trusted CAs plus one more (a TLS-inspecting proxy's, or a test's), for the Graph and
 * login connections only: nothing else in the process trusts it.
 */
record ExtraCaTrust(SSLSocketFactory socketFactory, X509TrustManager trustManager) {

  /** @param ca a PEM file path or the PEM text of one or more CA certificates */
  static ExtraCaTrust of(String ca) {
    try {
      X509TrustManager system = trustManager(null);
      KeyStore extra = KeyStore.getInstance(KeyStore.getDefaultType());
      extra.load(null, null);
      int i = 0;
      for (Certificate cert : certificates(ca)) {
        extra.setCertificateEntry("extra-" + i++, cert);
      }
      X509TrustManager added = trustManager(extra);
      X509TrustManager both = new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          system.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
          try {
            system.checkServerTrusted(chain, authType);
          } catch (CertificateException notSystem) {
            added.checkServerTrusted(chain, authType);
          }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          List<X509Certificate> all = new ArrayList<>(List.of(system.getAcceptedIssuers()));
          all.addAll(List.of(added.getAcceptedIssuers()));
          return all.toArray(X509Certificate[]::new);
        }
      };
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new javax.net.ssl.TrustManager[] {both}, null);
      return new ExtraCaTrust(context.getSocketFactory(), both);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("idp.entra.trustedCa: not a readable PEM CA certificate ("
          + e.getClass().getSimpleName() + ")", e);
    }
  }

  private static Collection<? extends Certificate> certificates(String ca) throws IOException, CertificateException {
    String value = ca.strip();
    try (InputStream in = value.startsWith("-----BEGIN")
        ? new ByteArrayInputStream(value.getBytes(StandardCharsets.US_ASCII))
        : Files.newInputStream(Path.of(value))) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new CertificateException("no certificate");
      }
      return certs;
    }
  }

  private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (var manager : factory.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager");
  }
}
