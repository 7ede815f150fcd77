package dev.accessflow.ledger;

import dev.accessflow.workflows.model.ReclaimPolicy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Whether one membership is reclaimed, by named rules in order, each saying why. The usage signal
 * is the best the scan has: the person's last sign-in to the app (the IdP's log, when the catalog
 * names the app and the log read reaches back past the threshold), else the IdP's last login,
 * else none, and the finding names which one it used.
 */
public final class ReclaimRules {
  public static final String APP_SIGN_IN = "app-sign-in";
  public static final String IDP_LAST_LOGIN = "idp-last-login";
  public static final String NO_SIGNAL = "none";

  public static final String WARNED = "warned";
  public static final String KEEP_REQUESTED = "keep-requested";
  public static final String REMOVING = "removing";
  public static final String REMOVED = "removed";
  public static final String KEPT = "kept";
  public static final String WOULD_RECLAIM = "would-reclaim";
  public static final String EXEMPT = "exempt";
  public static final String NO_SIGNAL_KEPT = "no-signal";

  /** The stretch of the app's sign-in log that has been read; null when none was (no app id, or the IdP keeps no log). */
  public record Coverage(Instant from, Instant until) {}

  /** What the rules made of one membership. */
  public sealed interface Verdict permits Finding, Passed {}

  /** An item the scan records: its state, the signal, the last use it read and why, in words. */
  public record Finding(String state, String signal, Instant lastUsed, String text) implements Verdict {}

  /** Why a membership is no item at all (the scan records nothing for it). */
  public record Passed(String rule, String why) implements Verdict {}

  /**
   * @param appSignIn the person's last sign-in to the app the log shows, or null
   * @param exempt the person is listed in, or a member of a group listed in, the policy's exempt
   */
  public Verdict judge(ReviewLedger.Candidate c, Instant appSignIn, Coverage coverage, ReclaimPolicy policy,
      boolean exempt, Instant now) {
    Instant cutoff = now.minus(policy.inactiveAfter());
    String signal;
    Instant lastUsed;
    String seen;
    if (appSignIn != null) {
      signal = APP_SIGN_IN;
      lastUsed = appSignIn;
      seen = "last signed in to the app " + day(appSignIn);
    } else if (policy.idpApp() != null && coverage != null && !coverage.from().isAfter(cutoff)) {
      signal = APP_SIGN_IN;
      lastUsed = null;
      seen = "no sign-in to the app since " + day(coverage.from()) + " (the IdP's log, read to " + day(coverage.until())
          + ")";
    } else if (c.lastLogin() != null) {
      signal = IDP_LAST_LOGIN;
      lastUsed = c.lastLogin();
      seen = "last signed in to the IdP " + day(c.lastLogin())
          + (policy.idpApp() == null ? " (the catalog names no IdP app, so sign-ins to the app itself are not read)"
              : coverage == null ? " (no sign-in log of the app was read)"
              : " (the app's sign-in log reaches back only to " + day(coverage.from()) + ")");
    } else {
      signal = NO_SIGNAL;
      lastUsed = null;
      seen = "the IdP has no sign-in data for them";
    }
    if (lastUsed != null && lastUsed.isAfter(cutoff)) {
      return new Passed("recently-used", seen);
    }
    if (c.firstSeen() != null && c.firstSeen().isAfter(cutoff)) {
      return new Passed("new-membership", "a member only since " + day(c.firstSeen()) + ", under the threshold of "
          + span(policy.inactiveAfter()));
    }
    if (c.expiresAt() != null && c.expiresAt().isBefore(now.plus(policy.grace()))) {
      return new Passed("expires-first", "request " + c.requestId() + " ends " + day(c.expiresAt())
          + ", before a grace would");
    }
    String threshold = "unused for more than " + span(policy.inactiveAfter()) + ": " + seen;
    if (exempt) {
      return new Finding(EXEMPT, signal, lastUsed, threshold + "; exempt by the app's reclaim policy");
    }
    if (NO_SIGNAL.equals(signal) && !"reclaim".equals(policy.noSignal())) {
      return new Finding(NO_SIGNAL_KEPT, signal, null, threshold + "; kept under noSignal: keep");
    }
    return new Finding(policy.dryRun() ? WOULD_RECLAIM : WARNED, signal, lastUsed,
        threshold + (NO_SIGNAL.equals(signal) ? "; reclaimed under noSignal: reclaim" : ""));
  }

  /** "90 days" for whole days, else the ISO duration (a sandbox demo's PT2M, or PT36H). */
  public static String span(java.time.Duration d) {
    boolean wholeDays = d.toDays() >= 1 && d.equals(java.time.Duration.ofDays(d.toDays()));
    return wholeDays ? d.toDays() + (d.toDays() == 1 ? " day" : " days") : d.toString();
  }

  private static String day(Instant at) {
    return at == null ? "never" : at.truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
  }
}
