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
 * @param mode enforce (warn, then remove) or dry-run (report what enforce would do, change nothing)
 * @param noSignal what happens to a person the IdP has no sign-in data for: keep (recorded as such) or reclaim
 * @param idpApp the IdP's id of the app (Okta: 0oa...) whose sign-ins are the usage signal; null: the IdP's last login
 * @param keepConfirmedBy member (a Keep with a reason is enough) or owner (an owner confirms the member's Keep)
 * @param every how often the app is scanned (P1D)
 */
public record ReclaimPolicy(Duration inactiveAfter, Duration grace, List<String> exemptPeople,
    List<String> exemptGroups, String mode, String noSignal, String idpApp, String keepConfirmedBy, Duration every) {

  public static final String ENFORCE = "enforce";
  public static final String DRY_RUN = "dry-run";
  public static final List<String> MODES = List.of(ENFORCE, DRY_RUN);
  public static final List<String> NO_SIGNAL = List.of("keep", "reclaim");
  public static final List<String> KEEP_CONFIRMED_BY = List.of("member", "owner");

  public ReclaimPolicy {
    exemptPeople = exemptPeople == null ? List.of() : List.copyOf(exemptPeople);
    exemptGroups = exemptGroups == null ? List.of() : List.copyOf(exemptGroups);
  }

  public boolean dryRun() {
    return DRY_RUN.equals(mode);
  }
}
