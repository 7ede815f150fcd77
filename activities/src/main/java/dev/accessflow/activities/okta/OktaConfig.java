package dev.accessflow.activities.okta;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * How to reach one Okta org: its https URL and either an API token (SSWS) or an OAuth 2.0 service
 * app (client id, private key, scopes); plus which profile attributes name a person's manager and
 * department. {@link #toString()} never prints a secret.
 *
 * @param orgUrl https URL of the org, e.g. {@code https://example.okta.com}
 * @param apiToken SSWS API token, or null when an OAuth service app is configured
 * @param clientId OAuth service app client id, or null with an API token
 * @param privateKey the service app's private key: a PEM file path or the PEM text itself
 * @param scopes OAuth scopes, e.g. {@code okta.users.read okta.groups.manage}
 * @param managerAttribute profile attribute holding the manager: {@code managerId} (an Okta user
 *     id or login) or {@code manager} (a login/email); null when unused
 * @param departmentAttribute profile attribute holding the department; null when unused
 * @param requestTimeout connect and response timeout of one HTTP call
 */
public record OktaConfig(
    String orgUrl,
    String apiToken,
    String clientId,
    String privateKey,
    List<String> scopes,
    String managerAttribute,
    String departmentAttribute,
    Duration requestTimeout) {

  public static final String DEFAULT_MANAGER_ATTRIBUTE = "managerId";
  public static final String DEFAULT_DEPARTMENT_ATTRIBUTE = "department";
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public OktaConfig {
    if (orgUrl == null || orgUrl.isBlank()) {
      throw new IllegalArgumentException("okta orgUrl is required");
    }
    URI uri = URI.create(orgUrl.strip());
    if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      // Never relaxed, not even for tests: tests build with an https URL and re-point the client.
      throw new IllegalArgumentException("okta orgUrl must be an https URL, got " + orgUrl);
    }
    orgUrl = orgUrl.strip().replaceAll("/+$", "");
    boolean token = hasText(apiToken);
    boolean oauth = hasText(clientId);
    if (token == oauth) {
      throw new IllegalArgumentException("configure exactly one of: okta apiToken, or an OAuth service app (clientId)");
    }
    if (oauth && (!hasText(privateKey) || scopes == null || scopes.isEmpty())) {
      throw new IllegalArgumentException("an okta OAuth service app needs privateKey and at least one scope");
    }
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    managerAttribute = hasText(managerAttribute) ? managerAttribute : null;
    departmentAttribute = hasText(departmentAttribute) ? departmentAttribute : null;
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
    if (requestTimeout.isNegative() || requestTimeout.toMillis() < 1_000) {
      throw new IllegalArgumentException("okta requestTimeout must be at least one second (the SDK counts whole seconds)");
    }
  }

  /** An API-token (SSWS) configuration with the default attributes and timeout. */
  public static OktaConfig withApiToken(String orgUrl, String apiToken) {
    return new OktaConfig(orgUrl, apiToken, null, null, List.of(), DEFAULT_MANAGER_ATTRIBUTE,
        DEFAULT_DEPARTMENT_ATTRIBUTE, DEFAULT_REQUEST_TIMEOUT);
  }

  /** An OAuth 2.0 service app configuration with the default attributes and timeout. */
  public static OktaConfig withServiceApp(String orgUrl, String clientId, String privateKey, List<String> scopes) {
    return new OktaConfig(orgUrl, null, clientId, privateKey, scopes, DEFAULT_MANAGER_ATTRIBUTE,
        DEFAULT_DEPARTMENT_ATTRIBUTE, DEFAULT_REQUEST_TIMEOUT);
  }

  public OktaConfig withAttributes(String managerAttribute, String departmentAttribute) {
    return new OktaConfig(orgUrl, apiToken, clientId, privateKey, scopes, managerAttribute, departmentAttribute, requestTimeout);
  }

  public OktaConfig withRequestTimeout(Duration requestTimeout) {
    return new OktaConfig(orgUrl, apiToken, clientId, privateKey, scopes, managerAttribute, departmentAttribute, requestTimeout);
  }

  public boolean usesApiToken() {
    return apiToken != null && !apiToken.isBlank();
  }

  /** Removes any secret of this config from a text (defence in depth for error messages). */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    if (hasText(apiToken)) {
      out = out.replace(apiToken, "[redacted]");
    }
    if (hasText(privateKey) && privateKey.contains("PRIVATE KEY")) {
      out = out.replace(privateKey, "[redacted]");
    }
    return out;
  }

  @Override
  public String toString() {
    String auth = usesApiToken()
        ? "apiToken=[redacted]"
        : "clientId=" + clientId + ", privateKey=[redacted], scopes=" + scopes;
    return "OktaConfig[orgUrl=" + orgUrl + ", " + auth + ", managerAttribute=" + managerAttribute
        + ", departmentAttribute=" + departmentAttribute + ", requestTimeout=" + requestTimeout + "]";
  }

  private static boolean hasText(String s) {
    return s != null && !s.isBlank();
  }
}
