package dev.accessflow.worker;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.accessflow.ledger.LedgerGauges;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's Prometheus registry: accessflow's own series, the Temporal SDK's (through the
 * service stubs' metrics scope) and the JVM's, served as Prometheus text at
 * {@value #PATH} on the admin port. Refreshes the ledger's gauges on a schedule.
 */
final class PrometheusMetrics implements Managed {
  private static final Logger log = LoggerFactory.getLogger(PrometheusMetrics.class);
  static final String PATH = "/prometheus";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AccessflowMetrics metrics = new AccessflowMetrics(registry);
  private final Duration refreshEvery;
  private final Scope temporalScope;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "accessflow-ledger-gauges");
    t.setDaemon(true);
    return t;
  });
  private LedgerGauges ledger;

  PrometheusMetrics(Duration refreshEvery) {
    if (refreshEvery == null || refreshEvery.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalStateException("config prometheus.refreshEvery: must be at least PT1S (it is " + refreshEvery
          + "); the default is PT15S");
    }
    this.refreshEvery = refreshEvery;
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    // The SDK reports task slots, poll counts and schedule-to-start latencies through tally.
    temporalScope = new RootScopeBuilder().reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofMillis(refreshEvery.toMillis()));
  }

  AccessflowMetrics metrics() {
    return metrics;
  }

  /** The scope for {@code WorkflowServiceStubsOptions.setMetricsScope}. */
  Scope temporalScope() {
    return temporalScope;
  }

  /** Serves the registry on the admin port. */
  void serve(Environment environment) {
    environment.admin().addServlet("prometheus", new Scrape(registry)).addMapping(PATH);
  }

  /** The ledger's gauges, read every {@code refreshEvery}. */
  void watch(LedgerGauges gauges) {
    this.ledger = gauges;
  }

  @Override
  public void start() {
    if (ledger != null) {
      refresher.scheduleWithFixedDelay(ledger::refresh, 0, refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
    }
    log.info("metrics: Prometheus text at {} on the admin port (refreshed every {})", PATH, refreshEvery);
  }

  @Override
  public void stop() throws Exception {
    refresher.shutdownNow();
    temporalScope.close();
    gc.close();
    registry.close();
  }

  /** GET: the registry in Prometheus' text format. */
  private static final class Scrape extends HttpServlet {
    private final transient PrometheusMeterRegistry registry;

    Scrape(PrometheusMeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      response.setStatus(200);
      response.setContentType("text/plain; version=0.0.4; charset=utf-8");
      response.setHeader("Cache-Control", "no-store");
      response.getOutputStream().write(registry.scrape().getBytes(StandardCharsets.UTF_8));
    }
  }
}
