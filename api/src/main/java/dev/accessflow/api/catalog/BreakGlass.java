package dev.accessflow.api.catalog;

import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.StageTimings;
import java.time.Duration;
import java.util.List;

/**
 * Emergency access a role allows: granted at once for at most maxDuration, announced to the security
 * channel, and reviewed after the fact by the review route (reminders per reviewTimings until done).
 */
public record BreakGlass(Duration maxDuration, List<ApprovalStage> review, StageTimings reviewTimings) {
  public BreakGlass {
    review = List.copyOf(review);
  }
}
