package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The process in embedded mode, scraped at /prometheus on its admin port while a request goes
 * from pending to granted to expired and a forged Slack request is refused: each accessflow series
 * moves as the thing it counts happens, once, and the Temporal SDK's and the JVM's series are there.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class MetricsEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  static final SlackStub SLACK = new SlackStub();
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(overrides());

  private static ConfigOverride[] overrides() {
    List<ConfigOverride> all = new ArrayList<>(List.of(SLACK.config("xoxb-test")));
    all.add(ConfigOverride.config("prometheus.refreshEvery", "PT1S"));
    return all.toArray(ConfigOverride[]::new);
  }

  @AfterAll
  static void stopSlack() {
    SLACK.stop();
  }

  @Test
  void aRequestsLifeAndARefusedWebhookShowInTheScrapeEachCountedOnce() throws Exception {
    Http http = new Http(APP.getLocalPort());
    int admin = APP.getAdminPort();

    PrometheusScrape first = PrometheusScrape.of(admin);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.contentType()).startsWith("text/plain");
    assertThat(first.value("accessflow_approvals_pending")).isEqualTo(0);

    Http.Reply created = http.post("/v1/requests", """
        {"requester":"dana@example.com","app":"sandbox-demo","role":"reader","duration":"PT10S","reason":"metrics"}""");
    assertThat(created.status()).isEqualTo(201);
    String id = created.text("requestId");
    PrometheusScrape pending = PrometheusScrape.await(admin, "one pending approval",
        s -> s.value("accessflow_approvals_pending") == 1, WAIT);
    assertThat(pending.value("accessflow_approvals_pending_oldest_seconds")).isGreaterThanOrEqualTo(0).isLessThan(60);
    assertThat(pending.value("accessflow_ledger_up")).isEqualTo(1);

    assertThat(http.post("/v1/requests/" + id + "/decision",
        "{\"verdict\":\"APPROVE\",\"actor\":\"maria@example.com\",\"comment\":\"ok\"}").status()).isEqualTo(200);
    http.awaitStatus(id, "ACTIVE", WAIT);
    PrometheusScrape granted = PrometheusScrape.await(admin, "the grant held",
        s -> s.value("accessflow_grants_active") == 1 && s.value("accessflow_approvals_pending") == 0, WAIT);
    assertThat(granted.value("accessflow_decisions_total", "channel", "rest", "verdict", "approve")).isEqualTo(1);
    assertThat(granted.value("accessflow_idp_calls_seconds_count", "idp", "sandbox", "operation", "add_member",
        "outcome", "ok")).isEqualTo(1);
    assertThat(granted.value("accessflow_removals_overdue")).isEqualTo(0);

    // Expiry: the removal confirmed, its lag recorded once however often the ledger part is written.
    http.awaitStatus(id, "EXPIRED", WAIT);
    PrometheusScrape expired = PrometheusScrape.await(admin, "the revocation's lag",
        s -> s.value("accessflow_revocation_lag_seconds_count") == 1 && s.value("accessflow_grants_active") == 0, WAIT);
    assertThat(expired.value("accessflow_idp_calls_seconds_count", "operation", "remove_member", "outcome", "ok"))
        .isEqualTo(1);
    assertThat(expired.value("accessflow_revocation_lag_seconds_bucket", "le", "3600.0")).isEqualTo(1);
    assertThat(expired.value("accessflow_revocation_lag_seconds_sum")).isLessThan(60);
    assertThat(expired.value("accessflow_decisions_total")).isEqualTo(1);

    // Slack: a signed command answered (and timed), a forged one refused and counted by its reason.
    SlackPayloads slack = new SlackPayloads(APP.getLocalPort());
    assertThat(slack.send(SlackPayloads.slashCommand(SlackStub.DANA.userId(), "trigger-metrics")).status()).isEqualTo(200);
    String ts = Long.toString(Instant.now().getEpochSecond());
    assertThat(slack.send(SlackPayloads.slashCommand(SlackStub.DANA.userId(), "trigger-forged"), ts,
        "v0=" + "0".repeat(64)).status()).isEqualTo(401);
    PrometheusScrape refused = PrometheusScrape.of(admin);
    assertThat(refused.value("accessflow_webhook_refusals_total", "source", "slack", "reason", "signature_bad_signature"))
        .isEqualTo(1);
    assertThat(refused.value("accessflow_slack_ack_seconds_count")).isEqualTo(2);
    assertThat(refused.value("accessflow_slack_ack_seconds_bucket", "le", "3.0")).isEqualTo(2);
    assertThat(refused.value("accessflow_notice_backlog", "port", "ticket")).isEqualTo(0);

    // The Temporal SDK's own series (reported every refreshEvery) and the JVM's.
    PrometheusScrape sdk = PrometheusScrape.await(admin, "the Temporal SDK's series",
        s -> s.has("temporal_worker_task_slots_available") && s.has("temporal_workflow_task_schedule_to_start_latency_seconds_count"),
        WAIT);
    assertThat(sdk.value("temporal_worker_task_slots_available", "worker_type", "ActivityWorker")).isPositive();
    assertThat(sdk.has("jvm_memory_used_bytes")).isTrue();

    // The shipped dashboard and alert rules read only series this process serves. The one exception
    // appears at the IdP's first rate-limit wait, which the sandbox never has (OktaDirectoryTest's).
    assertThat(MonitoringFiles.unserved(sdk, java.util.Set.of("accessflow_idp_throttle_seconds_count",
        "accessflow_idp_throttle_seconds_sum"))).isEmpty();
  }
}
