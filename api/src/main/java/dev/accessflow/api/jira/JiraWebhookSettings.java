package dev.accessflow.api.jira;

import java.util.Objects;

/**
 * What the Jira webhook acts on.
 *
 * @param projectKey only issues created in this project become requests
 * @param approvedStatus moving an issue to this status approves its request
 * @param declinedStatus moving an issue to this status denies its request
 * @param serviceAccountEmail accessflow's own Jira account: its status moves (it follows the
 *     request's status) are echoes, never decisions
 */
public record JiraWebhookSettings(String projectKey, String approvedStatus, String declinedStatus,
    String serviceAccountEmail) {
  public JiraWebhookSettings {
    Objects.requireNonNull(projectKey, "projectKey");
    Objects.requireNonNull(approvedStatus, "approvedStatus");
    Objects.requireNonNull(declinedStatus, "declinedStatus");
  }
}
