package dev.accessflow.worker;

import dev.accessflow.api.ReviewGateway;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.workflows.model.ReviewRun;
import dev.accessflow.workflows.ports.ReviewScheduling;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the catalog's recurring reviews ({@code review: {every: P90D, ...}} on an app): the first
 * when the schedule is first seen, then one each {@code every} after the last. A review's id is the
 * app and its due minute, so a retried start starts nothing twice.
 */
public final class ReviewScheduler implements ReviewScheduling {
  private static final Logger log = LoggerFactory.getLogger(ReviewScheduler.class);
  private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm").withZone(ZoneOffset.UTC);

  private final Catalog catalog;
  private final ReviewLedger reviews;
  private final ReviewGateway gateway;
  private final Clock clock;

  public ReviewScheduler(Catalog catalog, ReviewLedger reviews, ReviewGateway gateway, Clock clock) {
    this.catalog = catalog;
    this.reviews = reviews;
    this.gateway = gateway;
    this.clock = clock;
  }

  @Override
  public Instant startDue() {
    Instant now = clock.instant();
    Instant next = null;
    for (CatalogApp app : catalog.apps().values()) {
      CatalogApp.ReviewSchedule schedule = app.review();
      if (schedule == null) {
        continue;
      }
      Instant last = reviews.lastScheduled(app.id()).orElse(null);
      Instant due = last == null ? now.truncatedTo(ChronoUnit.MINUTES) : last.plus(schedule.every());
      if (!due.isAfter(now)) {
        start(app, schedule, due, now);
        due = now.plus(schedule.every());
      }
      next = next == null || due.isBefore(next) ? due : next;
    }
    return next;
  }

  private void start(CatalogApp app, CatalogApp.ReviewSchedule schedule, Instant due, Instant now) {
    String reviewId = "sched-" + app.id() + "-" + ID.format(due);
    List<String> owners = app.owners().stream().map(String::toLowerCase).toList();
    ReviewLedger.Campaign campaign = new ReviewLedger.Campaign(reviewId, app.name() + " access review "
        + ID.format(due).substring(0, 8), List.of(app.id()), List.of(), schedule.reviewers(), schedule.unreviewed(),
        owners, "schedule", "schedule", now, now.plus(schedule.dueIn()), ReviewLedger.OPENING, 0, null, null, null, null);
    boolean started = gateway.start(campaign, ReviewRun.start(reviewId, now.plus(schedule.dueIn()),
        ReviewGateway.defaultRemindEvery(schedule.dueIn()), schedule.unreviewed(),
        ReviewGateway.defaultEscalationGrace(schedule.dueIn())));
    if (started) {
      log.info("review {}: the catalog's {} review of {} started, due {}", reviewId, schedule.every(), app.id(),
          campaign.dueAt());
    }
  }
}
