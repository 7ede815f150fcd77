package dev.accessflow.workflows.ports;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * accessflow's own operator metrics, all named here ({@code accessflow_*} in Prometheus), so the
 * dashboard and the alert rules have one place to check against. Recorded by the adapters where a
 * thing happens once: a decision when the ledger first stores it, a revocation's lag when the
 * ledger first sees it removed, an IdP call when it returns. Never called from workflow code.
 */
public final class AccessflowMetrics {
  /** Buckets of the revocation lag (expiry or revoke to the IdP's confirmation), in seconds. */
  static final Duration[] LAG_BUCKETS = seconds(1, 5, 15, 30, 60, 120, 300, 900, 3600);
  /** Slack wants an answer within 3 s; buckets around that. */
  static final Duration[] ACK_BUCKETS = seconds(0.1, 0.25, 0.5, 1, 2, 3, 5);

  private final MeterRegistry registry;

  public AccessflowMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Metrics that go nowhere: for tests and tools that do not serve them. */
  public static AccessflowMetrics none() {
    return new AccessflowMetrics(new CompositeMeterRegistry());
  }

  /** The registry, for binders that add their own meters (JVM, Temporal SDK). */
  public MeterRegistry registry() {
    return registry;
  }

  /** A call of the identity provider port returned; {@code outcome} is "ok" or the failure's type. */
  public void idpCall(String idp, String operation, String outcome, Duration took) {
    Timer.builder("accessflow.idp.calls").description("Identity provider calls by operation and outcome")
        .tags("idp", idp, "operation", operation, "outcome", outcome).register(registry).record(took);
  }

  /**
   * A call waited for the IdP's rate limit: {@code cause} is "paced" (accessflow held back before
   * the limit was reached) or "rate_limited" (the IdP answered 429 and the retry waits this long).
   */
  public void idpThrottled(String idp, String cause, Duration wait) {
    Timer.builder("accessflow.idp.throttle").description("Waits caused by the identity provider's rate limits")
        .tags("idp", idp, "cause", cause).register(registry).record(wait);
  }

  /** An approver's decision was recorded for the first time. */
  public void decision(String channel, String verdict) {
    Counter.builder("accessflow.decisions").description("Approval decisions recorded, by channel and verdict")
        .tags("channel", channel, "verdict", verdict).register(registry).increment();
  }

  /** A grant's removal was confirmed this long after it was due (its expiry, or the revoke). */
  public void revocationLag(Duration lag) {
    Timer.builder("accessflow.revocation.lag")
        .description("From a grant's expiry (or revoke) to the identity provider confirming the removal")
        .serviceLevelObjectives(LAG_BUCKETS).register(registry).record(lag.isNegative() ? Duration.ZERO : lag);
  }

  /** An inbound webhook delivery was refused ({@code source}: slack, jira, okta). */
  public void webhookRefused(String source, String reason) {
    Counter.builder("accessflow.webhook.refusals").description("Inbound webhook deliveries refused, by reason")
        .tags("source", source, "reason", reason).register(registry).increment();
  }

  /** Slack's request was answered this long after it arrived (Slack gives up after 3 s). */
  public void slackAcknowledged(Duration took) {
    Timer.builder("accessflow.slack.ack").description("Time to answer a Slack request (Slack's limit is 3 s)")
        .serviceLevelObjectives(ACK_BUCKETS).register(registry).record(took);
  }

  /** A gauge read at each scrape. */
  public void gauge(String name, String description, Supplier<Number> value, String... tags) {
    Gauge.builder(name, value).description(description).tags(tags).strongReference(true).register(registry);
  }

  private static Duration[] seconds(double... values) {
    Duration[] buckets = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      buckets[i] = Duration.ofMillis(Math.round(values[i] * 1000));
    }
    return buckets;
  }
}
