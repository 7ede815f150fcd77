package dev.accessflow.workflows.membership;

import dev.accessflow.workflows.model.AccessRequest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.testing.AccessRequests;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The removal's audit line states its lag every time, and what stayed and why. */
class RemovalTextTest {
  private static final Instant DUE = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration TARGET = Duration.ofSeconds(1);

  private static AccessRequest named() {
    AccessRequest r = AccessRequests.grafanaAdmin("t1");
    return new AccessRequest(r.requestId(), r.requester(), r.app(), r.role(), List.of("00gQedUStPKR0CsTy4Qw", "00g-prod-readers"),
        r.riskTier(), r.duration(), r.maxDuration(), r.reason(), r.source(), r.route(), r.approvalTimeout(), null, r.policy(),
        Map.of("00gQedUStPKR0CsTy4Qw", "github-admins"), null);
  }

  @Test
  void anOnTimeRemovalSaysHowLateItWasAnyway() {
    Map<String, String> outcomes = new LinkedHashMap<>();
    outcomes.put("00gQedUStPKR0CsTy4Qw", MembershipOutcome.REMOVED);
    outcomes.put("00g-prod-readers", MembershipOutcome.REMOVED);
    String text = RemovalText.of(named(), outcomes, DUE.plusMillis(70), Duration.ofMillis(70), TARGET, "the grant ended", DUE);
    assertThat(text).isEqualTo("Removed dana@example.com from groups github-admins (00gQedUStPKR0CsTy4Qw), 00g-prod-readers"
        + " at 2026-12-01T10:00:00.070Z, 0.07 s after the grant ended; target 1 s.");
  }

  @Test
  void aLateRemovalSaysLateAndWhenItWasDue() {
    Map<String, String> outcomes = Map.of("00g-prod-readers", MembershipOutcome.REMOVED);
    String text = RemovalText.of(named(), outcomes, DUE.plusSeconds(75), Duration.ofSeconds(75), TARGET, "the grant ended", DUE);
    assertThat(text).endsWith("75.00 s (PT1M15S) after the grant ended; target 1 s: LATE (due 2026-12-01T10:00:00Z).");
  }

  @Test
  void keptAndAlreadyGoneMembershipsAreNamedWithTheirReason() {
    Map<String, String> outcomes = new LinkedHashMap<>();
    outcomes.put("00gQedUStPKR0CsTy4Qw", MembershipOutcome.keptStanding());
    outcomes.put("00g-prod-readers", MembershipOutcome.alreadyGone("Okta answered HTTP 404 E0000007"));
    String text = RemovalText.of(named(), outcomes, DUE.plusMillis(20), Duration.ofMillis(20), TARGET, "it was revoked", DUE);
    assertThat(text).isEqualTo("Settled at 2026-12-01T10:00:00.020Z, 0.02 s after it was revoked; target 1 s."
        + " Nothing to remove from 00g-prod-readers: already gone (Okta answered HTTP 404 E0000007)."
        + " Kept github-admins (00gQedUStPKR0CsTy4Qw): standing membership from before accessflow's grant, left in place.");
  }
}
