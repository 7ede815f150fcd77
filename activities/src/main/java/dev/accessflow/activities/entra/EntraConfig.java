package dev.accessflow.activities.entra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How accessflow reaches one Entra ID tenant: an app registration with application permissions,
 * signing in with a client secret or a certificate.
 *
 * @param graphUrl Graph's v1.0 root ({@code https://graph.microsoft.com/v1.0}; a national cloud's, or a test stub's)
 * @param authorityHost where tokens come from ({@code https://login.microsoftonline.com})
 * @param certificate a PEM file path or the PEM text (certificate and its private key) instead of the secret
 * @param trustedCa a CA (PEM file path or text) trusted beside the JVM's own for Graph and login,
 *     e.g. a TLS-inspecting proxy's; empty for none
 */
public record EntraConfig(String tenantId, String clientId, String clientSecret, String certificate, String graphUrl,
    String authorityHost, Duration requestTimeout, String trustedCa) {

  public static final String GRAPH_URL = "https://graph.microsoft.com/v1.0";
  public static final String AUTHORITY_HOST = "https://login.microsoftonline.com";
  private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}");
  private static final Pattern TENANT_DOMAIN = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");

  public EntraConfig {
    graphUrl = blank(graphUrl) ? GRAPH_URL : stripSlash(graphUrl.strip());
    authorityHost = blank(authorityHost) ? AUTHORITY_HOST : stripSlash(authorityHost.strip());
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
  }

  /** A tenant reached with a client secret. */
  public static EntraConfig withSecret(String tenantId, String clientId, String clientSecret) {
    return new EntraConfig(tenantId, clientId, clientSecret, null, null, null, null, null);
  }

  /** The same tenant through another Graph root (a national cloud, or a stub in tests). */
  public EntraConfig withGraphUrl(String url) {
    return new EntraConfig(tenantId, clientId, clientSecret, certificate, url, authorityHost, requestTimeout, trustedCa);
  }

  /** The same with another login host and an extra trusted CA (a national cloud; a test's TLS stub). */
  public EntraConfig withAuthority(String host, String ca) {
    return new EntraConfig(tenantId, clientId, clientSecret, certificate, graphUrl, host, requestTimeout, ca);
  }

  public boolean trustsExtraCa() {
    return !blank(trustedCa);
  }

  public boolean usesCertificate() {
    return !blank(certificate);
  }

  /** What is wrong with these settings, each named; empty when the adapter can start. No secret is ever in a message. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (blank(tenantId) || !(GUID.matcher(tenantId.strip()).matches() || TENANT_DOMAIN.matcher(tenantId.strip()).matches())) {
      problems.add("idp.entra.tenantId: the directory (tenant) id, a GUID or a domain such as acme.onmicrosoft.com, is required");
    }
    if (blank(clientId) || !GUID.matcher(clientId.strip()).matches()) {
      problems.add("idp.entra.clientId: the app registration's application (client) id, a GUID, is required");
    }
    if (blank(clientSecret) == blank(certificate)) {
      problems.add("idp.entra: set exactly one of clientSecret (ENTRA_CLIENT_SECRET) and certificate (ENTRA_CERTIFICATE)");
    }
    for (String[] url : new String[][] {{"graphUrl", graphUrl}, {"authorityHost", authorityHost}}) {
      if (!url[1].startsWith("https://")) {
        problems.add("idp.entra." + url[0] + ": must be an https:// URL (tokens and member changes travel on it)");
      }
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      problems.add("idp.entra.requestTimeout: must be positive");
    }
    return problems;
  }

  /** The secret (and any certificate text) replaced, for a message that might echo it. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    if (!blank(clientSecret)) {
      out = out.replace(clientSecret, "[secret]");
    }
    return out;
  }

  @Override
  public String toString() {
    return "EntraConfig[tenantId=" + tenantId + ", clientId=" + clientId + ", credential="
        + (usesCertificate() ? "certificate" : "secret") + ", graphUrl=" + graphUrl + "]";
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
