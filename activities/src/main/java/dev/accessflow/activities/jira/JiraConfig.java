package dev.accessflow.activities.jira;

import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.RequestStatus;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Jira Cloud ticket adapter.
 *
 * @param baseUrl site root, e.g. {@code https://acme.atlassian.net} (no trailing path)
 * @param email Atlassian account email the API token belongs to (Basic auth user)
 * @param apiToken API token (Basic auth password); never printed
 * @param projectKey project new request issues are created in
 * @param issueType issue type name, or its numeric id
 * @param customFields custom field ids to fill on create; each may be null (not set)
 * @param statusByKind Jira status name to move the issue to after an audit step of this kind
 *     (checked first)
 * @param statusByRequestStatus Jira status name to move the issue to when a step leaves the
 *     request in this status (checked when the kind has no entry)
 * @param requestTimeout timeout of one HTTP request to Jira
 * @param webhookSecret secret of the Jira admin webhook ({@code X-Hub-Signature}), or null when
 *     webhooks are not used; never printed
 */
public record JiraConfig(
    URI baseUrl,
    String email,
    String apiToken,
    String projectKey,
    String issueType,
    CustomFields customFields,
    Map<AuditKind, String> statusByKind,
    Map<RequestStatus, String> statusByRequestStatus,
    Duration requestTimeout,
    String webhookSecret) {

  public JiraConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(apiToken, "apiToken");
    Objects.requireNonNull(projectKey, "projectKey");
    Objects.requireNonNull(issueType, "issueType");
    customFields = customFields == null ? CustomFields.NONE : customFields;
    statusByKind = copy(statusByKind, AuditKind.class);
    statusByRequestStatus = copy(statusByRequestStatus, RequestStatus.class);
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
    // A trailing slash would double up in every path we append.
    String url = baseUrl.toString();
    if (url.endsWith("/")) {
      baseUrl = URI.create(url.substring(0, url.length() - 1));
    }
  }

  /**
   * Ids ({@code customfield_NNNNN}) of the text custom fields that carry the request's facts.
   * Each is nullable; a null field is simply not set.
   */
  public record CustomFields(
      String requester, String app, String role, String duration, String reason, String risk) {
    public static final CustomFields NONE = new CustomFields(null, null, null, null, null, null);
  }

  /** The usual mapping for an access-request workflow in Jira; adjust names to the site's workflow. */
  public static Map<RequestStatus, String> defaultStatusMap() {
    Map<RequestStatus, String> map = new EnumMap<>(RequestStatus.class);
    map.put(RequestStatus.PENDING_APPROVAL, "Pending approval");
    map.put(RequestStatus.ACTIVE, "Access granted");
    map.put(RequestStatus.EXPIRED, "Access expired");
    map.put(RequestStatus.REVOKED, "Access expired");
    map.put(RequestStatus.DENIED, "Declined");
    return map;
  }

  /** The Jira status an audit step should leave the issue in, or null when it should not move. */
  public String targetStatus(AuditKind kind, RequestStatus status) {
    String byKind = kind == null ? null : statusByKind.get(kind);
    if (byKind != null) {
      return byKind;
    }
    return status == null ? null : statusByRequestStatus.get(status);
  }

  /** Same settings with another base URL (tests point the adapter at a local stub). */
  public JiraConfig withBaseUrl(URI url) {
    return new JiraConfig(url, email, apiToken, projectKey, issueType, customFields, statusByKind,
        statusByRequestStatus, requestTimeout, webhookSecret);
  }

  /** Never prints the API token or the webhook secret. */
  @Override
  public String toString() {
    return "JiraConfig[baseUrl=" + baseUrl + ", email=" + email + ", apiToken=***"
        + ", projectKey=" + projectKey + ", issueType=" + issueType + ", customFields=" + customFields
        + ", statusByKind=" + statusByKind + ", statusByRequestStatus=" + statusByRequestStatus
        + ", requestTimeout=" + requestTimeout + ", webhookSecret=" + (webhookSecret == null ? "null" : "***")
        + "]";
  }

  private static <K extends Enum<K>> Map<K, String> copy(Map<K, String> map, Class<K> type) {
    EnumMap<K, String> copy = new EnumMap<>(type);
    if (map != null) {
      copy.putAll(map);
    }
    return java.util.Collections.unmodifiableMap(copy);
  }
}
