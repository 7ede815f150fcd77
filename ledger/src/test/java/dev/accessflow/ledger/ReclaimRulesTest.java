package dev.accessflow.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.ledger.ReclaimRules.Coverage;
import dev.accessflow.ledger.ReclaimRules.Finding;
import dev.accessflow.ledger.ReclaimRules.Passed;
import dev.accessflow.workflows.model.ReclaimPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which memberships reclaim finds, by which signal, and why the rest are left alone. */
class ReclaimRulesTest {
  private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
  private static final ReclaimPolicy ENFORCE = policy("enforce", "keep", "0oa-grafana");
  private final ReclaimRules rules = new ReclaimRules();

  private static ReclaimPolicy policy(String mode, String noSignal, String idpApp) {
    return new ReclaimPolicy(Duration.ofDays(90), Duration.ofDays(7), List.of(), List.of(), mode, noSignal, idpApp,
        "member", Duration.ofDays(1), List.of());
  }

  private static ReviewLedger.Candidate member(Instant idpLastLogin, Instant firstSeen, Instant expiresAt) {
    return new ReviewLedger.Candidate("grafana", "admin", "dana@example.com", List.of("grafana-admins"), "00u-dana",
        "Dana", expiresAt == null ? "standing" : "grant", expiresAt == null ? null : "req-1", null, expiresAt,
        "ACTIVE", idpLastLogin, "engineering", "engineering", null, null, firstSeen);
  }

  private static Instant daysAgo(int days) {
    return NOW.minus(Duration.ofDays(days));
  }

  private static final Coverage FULL_LOG = new Coverage(daysAgo(90), NOW);

  @Test
  void aSignInToTheAppWithinTheThresholdKeepsTheMembershipOutOfTheScanWhateverTheIdpLastLoginSays() {
    var verdict = rules.judge(member(daysAgo(200), daysAgo(400), null), daysAgo(10), FULL_LOG, ENFORCE, false, NOW);
    assertThat(verdict).isInstanceOf(Passed.class);
    assertThat(((Passed) verdict).rule()).isEqualTo("recently-used");
  }

  @Test
  void noSignInToTheAppOverTheWholeThresholdIsFoundEvenWhenThePersonSignsInToTheIdpDaily() {
    var verdict = rules.judge(member(daysAgo(1), daysAgo(400), null), null, FULL_LOG, ENFORCE, false, NOW);
    assertThat(verdict).isInstanceOfSatisfying(Finding.class, f -> {
      assertThat(f.state()).isEqualTo(ReclaimRules.WARNED);
      assertThat(f.signal()).isEqualTo(ReclaimRules.APP_SIGN_IN);
      assertThat(f.lastUsed()).isNull();
      assertThat(f.text()).contains("no sign-in to the app since 2026-09-04");
    });
  }

  @Test
  void aLogThatDoesNotReachBackPastTheThresholdFallsBackToTheIdpLastLoginAndSaysSo() {
    Coverage shortLog = new Coverage(daysAgo(30), NOW);
    var recent = rules.judge(member(daysAgo(5), daysAgo(400), null), null, shortLog, ENFORCE, false, NOW);
    assertThat(recent).isInstanceOf(Passed.class);
    var stale = rules.judge(member(daysAgo(120), daysAgo(400), null), null, shortLog, ENFORCE, false, NOW);
    assertThat(stale).isInstanceOfSatisfying(Finding.class, f -> {
      assertThat(f.signal()).isEqualTo(ReclaimRules.IDP_LAST_LOGIN);
      assertThat(f.lastUsed()).isEqualTo(daysAgo(120));
      assertThat(f.text()).contains("reaches back only to 2026-11-03");
    });
  }

  @Test
  void withoutAnIdpAppTheIdpLastLoginIsTheSignal() {
    var verdict = rules.judge(member(daysAgo(100), daysAgo(400), null), null, null, policy("enforce", "keep", null),
        false, NOW);
    assertThat(verdict).isInstanceOfSatisfying(Finding.class, f -> {
      assertThat(f.signal()).isEqualTo(ReclaimRules.IDP_LAST_LOGIN);
      assertThat(f.text()).contains("the catalog names no IdP app");
    });
  }

  @Test
  void aPersonWithNoSignInDataIsRecordedAndKeptUnderNoSignalKeepAndWarnedUnderReclaim() {
    ReviewLedger.Candidate never = member(null, daysAgo(400), null);
    var kept = rules.judge(never, null, null, policy("enforce", "keep", null), false, NOW);
    assertThat(kept).isInstanceOfSatisfying(Finding.class, f -> {
      assertThat(f.state()).isEqualTo(ReclaimRules.NO_SIGNAL_KEPT);
      assertThat(f.signal()).isEqualTo(ReclaimRules.NO_SIGNAL);
    });
    var warned = rules.judge(never, null, null, policy("enforce", "reclaim", null), false, NOW);
    assertThat(warned).isInstanceOfSatisfying(Finding.class, f -> {
      assertThat(f.state()).isEqualTo(ReclaimRules.WARNED);
      assertThat(f.text()).contains("noSignal: reclaim");
    });
  }

  @Test
  void aMembershipYoungerThanTheThresholdIsLeftAloneHoweverLittleItWasUsed() {
    var verdict = rules.judge(member(null, daysAgo(20), null), null, FULL_LOG, ENFORCE, false, NOW);
    assertThat(verdict).isInstanceOfSatisfying(Passed.class, p -> assertThat(p.rule()).isEqualTo("new-membership"));
  }

  @Test
  void aGrantThatEndsBeforeTheGraceWouldIsLeftToItsExpiry() {
    var verdict = rules.judge(member(null, daysAgo(400), NOW.plus(Duration.ofDays(3))), null, FULL_LOG, ENFORCE,
        false, NOW);
    assertThat(verdict).isInstanceOfSatisfying(Passed.class, p -> assertThat(p.rule()).isEqualTo("expires-first"));
  }

  @Test
  void anExemptPersonIsRecordedAsExemptNotWarned() {
    var verdict = rules.judge(member(daysAgo(200), daysAgo(400), null), null, FULL_LOG, ENFORCE, true, NOW);
    assertThat(verdict).isInstanceOfSatisfying(Finding.class, f -> assertThat(f.state()).isEqualTo(ReclaimRules.EXEMPT));
  }

  @Test
  void dryRunFindsTheSamePeopleAndWarnsNobody() {
    var verdict = rules.judge(member(daysAgo(1), daysAgo(400), null), null, FULL_LOG,
        policy("dry-run", "keep", "0oa-grafana"), false, NOW);
    assertThat(verdict).isInstanceOfSatisfying(Finding.class,
        f -> assertThat(f.state()).isEqualTo(ReclaimRules.WOULD_RECLAIM));
  }
}
