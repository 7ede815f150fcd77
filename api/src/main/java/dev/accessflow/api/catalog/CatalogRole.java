package dev.accessflow.api.catalog;

import java.time.Duration;
import java.util.List;

/**
 * A requestable role of an app: the IdP groups it maps to, its risk tier, who approves it, and
 * the durations a requester may pick (each no longer than maxDuration). No approvers means the
 * role is approved by policy (low risk only).
 */
public record CatalogRole(
    String id,
    String name,
    List<String> groups,
    RiskTier risk,
    List<String> approvers,
    List<Duration> durations,
    Duration maxDuration) {

  public boolean allows(Duration duration) {
    return durations.contains(duration);
  }
}
