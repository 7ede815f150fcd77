package dev.accessflow.api;

import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.workflows.model.ReviewRun;
import java.util.List;

/** What the API asks of review campaigns' workflows (Temporal in production: {@link ReviewGateway}). */
public interface ReviewWorkflows {

  /** Stores the campaign and starts its workflow; false when a campaign with its id exists (a retried start). */
  boolean start(ReviewLedger.Campaign campaign, ReviewRun run);

  /** Tells the campaign that these reviewers decided. */
  void decided(String reviewId, List<String> reviewers);
}
