package dev.accessflow.activities.google;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How accessflow reaches one Google Workspace: a service account with domain-wide delegation,
 * acting as an admin.
 *
 * @param serviceAccountKey the service account's JSON key: a file path or the JSON text
 * @param adminEmail the admin the service account impersonates (domain-wide delegation)
 * @param customer the Workspace customer ({@code my_customer}: the admin's own)
 * @param rootUrl Google's API root ({@code https://admin.googleapis.com/}; a test stub's)
 */
public record GoogleConfig(String serviceAccountKey, String adminEmail, String customer, String rootUrl,
    Duration requestTimeout) {

  public static final String ROOT_URL = "https://admin.googleapis.com/";
  /** What the delegation must allow, in the Admin console's client-id entry, comma-separated there. */
  public static final List<String> SCOPES = List.of(
      "https://www.googleapis.com/auth/admin.directory.group.member",
      "https://www.googleapis.com/auth/admin.directory.group.readonly",
      "https://www.googleapis.com/auth/admin.directory.user.readonly",
      "https://www.googleapis.com/auth/admin.reports.audit.readonly");

  public GoogleConfig {
    customer = blank(customer) ? "my_customer" : customer.strip();
    rootUrl = blank(rootUrl) ? ROOT_URL : rootUrl.strip().endsWith("/") ? rootUrl.strip() : rootUrl.strip() + "/";
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
  }

  /** The same against another API root (a stub in tests). */
  public GoogleConfig withRootUrl(String url) {
    return new GoogleConfig(serviceAccountKey, adminEmail, customer, url, requestTimeout);
  }

  /** What is wrong with these settings, each named; empty when the adapter can start. No key text is ever in a message. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (blank(serviceAccountKey)) {
      problems.add("idp.google.serviceAccountKey: the service account's JSON key (a file path or the JSON) is required");
    }
    if (blank(adminEmail) || !adminEmail.strip().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
      problems.add("idp.google.adminEmail: the admin the service account acts as (domain-wide delegation) is required");
    }
    // Plain HTTP only to this machine (a local stub or proxy sidecar); the token travels on it.
    if (!rootUrl.startsWith("https://") && !rootUrl.matches("http://(127\\.0\\.0\\.1|localhost)(:\\d+)?/.*")) {
      problems.add("idp.google.rootUrl: must be an https:// URL (http:// only to 127.0.0.1 or localhost)");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      problems.add("idp.google.requestTimeout: must be positive");
    }
    return problems;
  }

  @Override
  public String toString() {
    return "GoogleConfig[adminEmail=" + adminEmail + ", customer=" + customer + ", rootUrl=" + rootUrl + "]";
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
