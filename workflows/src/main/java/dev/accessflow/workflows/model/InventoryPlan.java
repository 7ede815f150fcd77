package dev.accessflow.workflows.model;

import java.time.Duration;
import java.util.List;

/** What the next sync covers, read from the configuration and catalog at the start of each round. */
public record InventoryPlan(List<InventoryGroup> groups, Duration interval) {
  public InventoryPlan {
    groups = List.copyOf(groups);
  }
}
