package dev.accessflow.worker;

import dev.accessflow.api.ReclaimGateway;
import dev.accessflow.api.ReclaimWorkflows;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.workflows.model.ReclaimPolicy;
import dev.accessflow.workflows.ports.ReviewScheduling;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the catalog's periodic reclaim scans ({@code reclaim: {every: P1D}} on an app, daily by
 * default): the first when the policy is first seen, then one each {@code every} after the last
 * run of the app (however it was started). A run's id is the app and its second, so a retried
 * start starts nothing twice.
 */
public final class ReclaimScheduler implements ReviewScheduling {
  private static final Logger log = LoggerFactory.getLogger(ReclaimScheduler.class);

  private final Catalog catalog;
  private final ReclaimLedger ledger;
  private final ReclaimWorkflows workflows;
  private final Clock clock;

  public ReclaimScheduler(Catalog catalog, ReclaimLedger ledger, ReclaimWorkflows workflows, Clock clock) {
    this.catalog = catalog;
    this.ledger = ledger;
    this.workflows = workflows;
    this.clock = clock;
  }

  @Override
  public Instant startDue() {
    Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
    Instant next = null;
    for (CatalogApp app : catalog.apps().values()) {
      ReclaimPolicy policy = app.reclaimScan().orElse(null);
      if (policy == null) {
        continue;
      }
      Instant due = ledger.lastRun(app.id()).map(last -> last.plus(policy.every())).orElse(now);
      if (!due.isAfter(now)) {
        ReclaimLedger.Run run = new ReclaimLedger.Run(ReclaimGateway.runId(app.id(), now), app.id(), "schedule",
            "schedule", now, ReclaimLedger.SCANNING, null, null);
        if (workflows.start(run)) {
          log.info("reclaim {}: the catalog's {} scan of {} started ({})", run.runId(), policy.every(), app.id(),
              policy.mode());
        }
        due = now.plus(policy.every());
      }
      next = next == null || due.isBefore(next) ? due : next;
    }
    return next;
  }
}
