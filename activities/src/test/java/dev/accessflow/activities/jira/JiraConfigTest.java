package dev.accessflow.activities.jira;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.RequestStatus;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JiraConfigTest {
  private final JiraConfig config = new JiraConfig(URI.create("https://acme.atlassian.net/"), "bot@acme.example",
      "atl-SECRET", "ACC", "10002", null, Map.of(AuditKind.REVOCATION_OVERDUE, "Revocation overdue"),
      JiraConfig.defaultStatusMap(), null, "hook-SECRET");

  @Test
  void neverPrintsTheTokenOrTheWebhookSecret() {
    assertThat(config.toString()).doesNotContain("atl-SECRET").doesNotContain("hook-SECRET").contains("bot@acme.example");
  }

  @Test
  void mapsStepsToJiraStatuses() {
    assertThat(config.targetStatus(AuditKind.PROVISIONED, RequestStatus.ACTIVE)).isEqualTo("Access granted");
    assertThat(config.targetStatus(AuditKind.REVOKED, RequestStatus.EXPIRED)).isEqualTo("Access expired");
    assertThat(config.targetStatus(AuditKind.REVOKED, RequestStatus.REVOKED)).isEqualTo("Access expired");
    assertThat(config.targetStatus(AuditKind.DENIED, RequestStatus.DENIED)).isEqualTo("Declined");
    assertThat(config.targetStatus(AuditKind.REVOCATION_OVERDUE, RequestStatus.REVOKING)).isEqualTo("Revocation overdue");
    assertThat(config.targetStatus(AuditKind.SUBMITTED, RequestStatus.SUBMITTED)).isNull();
  }

  @Test
  void normalisesDefaults() {
    assertThat(config.baseUrl()).hasToString("https://acme.atlassian.net");
    assertThat(config.requestTimeout()).isPositive();
    assertThat(config.customFields()).isEqualTo(JiraConfig.CustomFields.NONE);
  }
}
