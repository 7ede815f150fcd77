package dev.accessflow.api.catalog;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Risk tiers of the catalog, as written in YAML. */
public enum RiskTier {
  LOW("low"),
  MEDIUM("medium"),
  HIGH("high"),
  TEMPORARY_HIGH("temporary-high");

  private final String yaml;

  RiskTier(String yaml) {
    this.yaml = yaml;
  }

  @JsonValue
  public String yaml() {
    return yaml;
  }

  /** Whether a role of this tier may skip human approval. */
  public boolean mayAutoApprove() {
    return this == LOW;
  }

  public static Optional<RiskTier> parse(String text) {
    return Arrays.stream(values()).filter(t -> t.yaml.equals(text)).findFirst();
  }
}
