package dev.accessflow.ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * What a review recommends for one item, and why: each rule is named, the first that applies
 * decides, and the reason is in words a reviewer can check ("no sign-in for 134 days").
 */
public final class ReviewRecommendations {
  public static final String KEEP = "keep";
  public static final String REVOKE = "revoke";

  /** IdP statuses of an account that cannot sign in (Okta's names; the sandbox uses the same). */
  private static final Set<String> INACTIVE_STATUSES = Set.of("SUSPENDED", "DEPROVISIONED", "LOCKED_OUT");

  private final Duration inactiveAfter;

  /** @param inactiveAfter no sign-in for this long recommends revoke */
  public ReviewRecommendations(Duration inactiveAfter) {
    this.inactiveAfter = inactiveAfter;
  }

  /** A recommendation: keep or revoke, the rule's name, and its reason. */
  public record Recommendation(String verdict, String rule, String reason) {}

  /** What the rules look at. */
  public record Facts(String source, String requestId, Instant expiresAt, String status, Instant lastLogin,
      String department, String firstDepartment, Instant firstSeen) {}

  public Recommendation recommend(Facts facts, Instant now) {
    String status = facts.status() == null ? "" : facts.status().toUpperCase(Locale.ROOT);
    if (INACTIVE_STATUSES.contains(status)) {
      return new Recommendation(REVOKE, "account-inactive", "account " + status.toLowerCase(Locale.ROOT).replace('_', ' ')
          + " in the IdP");
    }
    if (facts.lastLogin() != null && Duration.between(facts.lastLogin(), now).compareTo(inactiveAfter) > 0) {
      return new Recommendation(REVOKE, "no-recent-sign-in", "no sign-in for "
          + Duration.between(facts.lastLogin(), now).toDays() + " days");
    }
    if (facts.lastLogin() == null && facts.firstSeen() != null
        && Duration.between(facts.firstSeen(), now).compareTo(inactiveAfter) > 0) {
      return new Recommendation(REVOKE, "never-signed-in", "no sign-in on record in the "
          + Duration.between(facts.firstSeen(), now).toDays() + " days since the membership began");
    }
    if (facts.department() != null && facts.firstDepartment() != null
        && !facts.department().equalsIgnoreCase(facts.firstDepartment())) {
      return new Recommendation(REVOKE, "moved-department", "moved from " + facts.firstDepartment() + " to "
          + facts.department() + " since the membership began");
    }
    if (DriftRules.OUT_OF_BAND.equals(facts.source())) {
      return new Recommendation(REVOKE, "out-of-band", "added in the IdP outside accessflow, with no request behind it");
    }
    if (DriftRules.GRANT.equals(facts.source()) && facts.expiresAt() != null) {
      return new Recommendation(KEEP, "expires-anyway", "granted by request " + facts.requestId() + " until "
          + facts.expiresAt() + "; it is removed then anyway");
    }
    String signIn = facts.lastLogin() == null ? "no sign-in on record yet (the membership is "
        + (facts.firstSeen() == null ? "new" : Duration.between(facts.firstSeen(), now).toDays() + " days old") + ")"
        : "signed in " + Duration.between(facts.lastLogin(), now).toDays() + " days ago";
    return new Recommendation(KEEP, "in-use", signIn);
  }
}
