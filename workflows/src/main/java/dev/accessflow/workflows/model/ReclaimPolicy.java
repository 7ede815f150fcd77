package dev.accessflow.workflows.model;

import java.time.Duration;
import java.util.List;

/**
 * An app's (or a role's) auto-reclaim policy, as the catalog resolved it.
 *
 * @param inactiveAfter a membership unused this long is found (P90D)
 * @param grace how long the person has, once warned, to sign in or say why they keep it (P7D)
 * @param exemptPeople lower-case logins never reclaimed
 * @param exemptGroups IdP group ids whose members are never reclaimed
 * @param mode enforce (warn, then remove), dry-run (report what enforce would do, change nothing) or off
 *     (a role the app's reclaim leaves alone, e.g. break-glass access used rarely by design)
 * @param noSignal what happens to a person the IdP has no sign-in data for: keep (recorded as such) or reclaim
 * @param idpApp the IdP's id of the app (Okta: 0oa...) whose sign-ins are the usage signal; null: the IdP's last login
 * @param keepConfirmedBy member (a Keep with a reason is enough) or owner (an owner confirms the member's Keep)
 * @param every how often the app is scanned (P1D)
 * @param tell who is told besides the person: manager (each warning, and they may keep it with a reason),
 *     owners (one summary of the run, edited in place as it goes); empty: the person and the run's ticket only
 */
public record ReclaimPolicy(Duration inactiveAfter, Duration grace, List<String> exemptPeople,
    List<String> exemptGroups, String mode, String noSignal, String idpApp, String keepConfirmedBy, Duration every,
    List<String> tell) {

  public static final String ENFORCE = "enforce";
  public static final String DRY_RUN = "dry-run";
  public static final String OFF = "off";
  public static final List<String> MODES = List.of(ENFORCE, DRY_RUN, OFF);
  public static final List<String> NO_SIGNAL = List.of("keep", "reclaim");
  public static final List<String> KEEP_CONFIRMED_BY = List.of("member", "owner");
  public static final String MANAGER = "manager";
  public static final String OWNERS = "owners";
  public static final List<String> TELL = List.of(MANAGER, OWNERS);

  public ReclaimPolicy {
    exemptPeople = exemptPeople == null ? List.of() : List.copyOf(exemptPeople);
    exemptGroups = exemptGroups == null ? List.of() : List.copyOf(exemptGroups);
    tell = tell == null ? List.of() : List.copyOf(tell);
  }

  /** True when the policy tells {@code whom} ({@link #MANAGER} or {@link #OWNERS}). */
  public boolean notifies(String whom) {
    return tell.contains(whom);
  }

  public boolean dryRun() {
    return DRY_RUN.equals(mode);
  }

  /** Reclaim is turned off here: nothing of it is judged. */
  public boolean off() {
    return OFF.equals(mode);
  }

  /** The policy of {@code mode: off}: only its mode counts. */
  public static ReclaimPolicy turnedOff() {
    return new ReclaimPolicy(null, null, List.of(), List.of(), OFF, "keep", null, "member", null, List.of());
  }
}
