package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The dashboard and the alert rules as Grafana and Prometheus load them: the shapes they require,
 * the alerts the README promises, and the provisioning wired to the files that exist. (That each
 * series they read is served is MetricsEndToEndTest's; that each expression parses, and that the
 * alerts fire when they should, is {@code promtool test rules deploy/prometheus/alerts.test.yml},
 * which CI does not have.)
 */
class MonitoringFilesTest {

  @Test
  void everyAlertHasAnExpressionASeverityAndWordsForThePersonPaged() {
    List<String> names = new ArrayList<>();
    for (JsonNode group : MonitoringFiles.alerts().path("groups")) {
      assertThat(group.path("name").asText()).isNotBlank();
      for (JsonNode rule : group.path("rules")) {
        String name = rule.path("alert").asText();
        names.add(name);
        assertThat(name).as("alert name").matches("Accessflow[A-Za-z0-9]+");
        assertThat(rule.path("expr").asText()).as(name + " expr").isNotBlank();
        assertThat(rule.path("labels").path("severity").asText()).as(name + " severity").isIn("page", "ticket");
        assertThat(rule.path("annotations").path("summary").asText()).as(name + " summary").isNotBlank();
        assertThat(rule.path("annotations").path("description").asText()).as(name + " description").isNotBlank();
        if (rule.has("for")) {
          assertThat(rule.path("for").asText()).as(name + " for").matches("\\d+[smh]");
        }
      }
    }
    // The issue's four, by name: revocation overdue for 5 min, approvals pending, IdP errors, task slots exhausted.
    assertThat(names).doesNotHaveDuplicates()
        .contains("AccessflowRevocationOverdue", "AccessflowApprovalWaitingOver24h", "AccessflowIdpErrors",
            "AccessflowWorkerTaskSlotsExhausted");
    JsonNode overdue = rule("AccessflowRevocationOverdue");
    assertThat(overdue.path("for").asText()).isEqualTo("5m");
    assertThat(overdue.path("expr").asText()).contains("accessflow_removals_overdue");
  }

  @Test
  void thePromtoolUnitTestsCoverTheIssuesFourAlertsAndLoadTheShippedRules() throws Exception {
    JsonNode tests = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .readTree(java.nio.file.Files.readString(java.nio.file.Path.of("../deploy/prometheus/alerts.test.yml")));
    assertThat(tests.path("rule_files").get(0).asText()).isEqualTo("alerts.yml");
    Set<String> tested = new HashSet<>();
    for (JsonNode test : tests.path("tests")) {
      for (JsonNode check : test.path("alert_rule_test")) {
        String name = check.path("alertname").asText();
        assertThat(rule(name)).as("alert " + name + " exists").isNotNull();
        tested.add(name);
      }
    }
    assertThat(tested).contains("AccessflowRevocationOverdue", "AccessflowApprovalWaitingOver24h", "AccessflowIdpErrors",
        "AccessflowWorkerTaskSlotsExhausted");
  }

  @Test
  void theDashboardHasUniquePanelsEachReadingThePrometheusItIsProvisionedWith() {
    JsonNode dashboard = MonitoringFiles.dashboard();
    assertThat(dashboard.path("uid").asText()).isEqualTo("accessflow");
    Set<Integer> ids = new HashSet<>();
    int queries = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as("panel id " + panel.path("id") + " is unique").isTrue();
      if ("row".equals(panel.path("type").asText())) {
        continue;
      }
      assertThat(panel.path("title").asText()).isNotBlank();
      assertThat(panel.path("description").asText()).as(panel.path("title") + " description").isNotBlank();
      assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("prometheus");
      assertThat(panel.path("targets").size()).as(panel.path("title") + " targets").isPositive();
      queries += panel.path("targets").size();
    }
    assertThat(queries).isGreaterThan(20);
    assertThat(MonitoringFiles.referenced()).contains("accessflow_revocation_lag_seconds_bucket",
        "accessflow_removals_overdue", "accessflow_approvals_pending", "accessflow_decisions_total",
        "accessflow_idp_calls_seconds_count", "accessflow_idp_throttle_seconds_sum", "accessflow_notice_backlog",
        "accessflow_slack_ack_seconds_bucket", "accessflow_webhook_refusals_total",
        "temporal_worker_task_slots_available", "temporal_activity_schedule_to_start_latency_seconds_bucket");
  }

  @Test
  void prometheusScrapesTheAdminPortsPathAndLoadsTheShippedRules() throws Exception {
    JsonNode prometheus = MonitoringFiles.prometheus();
    assertThat(prometheus.path("rule_files").get(0).asText()).endsWith("/alerts.yml");
    for (JsonNode job : prometheus.path("scrape_configs")) {
      assertThat(job.path("metrics_path").asText()).isEqualTo(PrometheusMetrics.PATH);
    }
    String compose = java.nio.file.Files.readString(java.nio.file.Path.of("../docker-compose.yml"));
    assertThat(compose).contains("./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml",
        "./deploy/grafana/dashboards:/var/lib/grafana/dashboards");
    JsonNode datasource = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(java.nio.file.Files.readString(
            java.nio.file.Path.of("../deploy/grafana/provisioning/datasources/prometheus.yml")));
    assertThat(datasource.path("datasources").get(0).path("uid").asText()).isEqualTo("prometheus");
  }

  private static JsonNode rule(String name) {
    for (JsonNode group : MonitoringFiles.alerts().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (name.equals(rule.path("alert").asText())) {
          return rule;
        }
      }
    }
    throw new AssertionError("no alert " + name);
  }
}
