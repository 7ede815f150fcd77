package dev.accessflow.ledger;

import java.time.Instant;

/**
 * How a membership seen in a catalog group is classified, and whether it is drift. Each rule is
 * named, and a finding says which rule opened it and why.
 */
public final class DriftRules {
  public static final String GRANT = "grant";
  public static final String STANDING = "standing";
  public static final String OUT_OF_BAND = "out-of-band";

  /** Finding kinds. */
  public static final String KIND_STANDING = "standing";
  public static final String KIND_OUT_OF_BAND = "out-of-band";
  public static final String KIND_REAPPEARED = "reappeared";
  public static final String KIND_GROUP_MISSING = "group-missing";
  public static final String KIND_GROUP_RENAMED = "group-renamed";

  /** Policies. */
  public static final String REPORT = "report";
  public static final String REMOVE = "remove";
  public static final String ADOPT = "adopt";

  private DriftRules() {}

  /**
   * What the ledger knows of one person in one group when the IdP shows them in it.
   *
   * @param activeGrant the request whose grant is in force (not yet removed; a standing one until it expires), or null
   * @param grantWasStanding that grant found the person already in the group (accessflow leaves it)
   * @param removedGrant the latest request whose grant accessflow removed, or null
   * @param removedAt when accessflow removed it
   * @param knownSource the source the ledger has for a membership it still counts as present, or null
   * @param baseline this is the group's first sync, and the person was not known in it
   * @param seenAt when the IdP showed the membership (the listing's start, or the event's time)
   */
  public record Known(String activeGrant, boolean grantWasStanding, String removedGrant, Instant removedAt,
      String knownSource, boolean baseline, Instant seenAt) {}

  /**
   * @param source grant, standing or out-of-band
   * @param requestId the grant's request, for a grant
   * @param finding the kind of finding to open, or null for none
   * @param rule the rule that decided, with its reason
   */
  public record Verdict(String source, String requestId, String finding, String rule) {}

  public static Verdict classify(Known known) {
    if (known.activeGrant() != null && known.grantWasStanding() && OUT_OF_BAND.equals(known.knownSource())) {
      // A request for access someone added out of band does not launder it: the grant leaves the
      // membership in place at its end, so the membership stays what it was, and so does its finding.
      return new Verdict(OUT_OF_BAND, null, null, "out of band: added in the IdP before request "
          + known.activeGrant() + " granted it; the grant leaves it in place, so its finding stands");
    }
    if (known.activeGrant() != null) {
      return known.grantWasStanding()
          ? new Verdict(STANDING, known.activeGrant(), null, "standing: in the group before request "
              + known.activeGrant() + " granted it, so never accessflow's to remove")
          : new Verdict(GRANT, known.activeGrant(), null, "granted by request " + known.activeGrant());
    }
    if (known.removedGrant() != null && known.removedAt() != null && !known.seenAt().isAfter(known.removedAt())) {
      // The listing began before accessflow's removal went through: it shows the grant, not a comeback.
      return new Verdict(GRANT, known.removedGrant(), null, "granted by request " + known.removedGrant()
          + ", removed after the IdP was read");
    }
    if (STANDING.equals(known.knownSource())) {
      return new Verdict(STANDING, null, null, "standing: known to the inventory as standing access");
    }
    if (OUT_OF_BAND.equals(known.knownSource())) {
      return new Verdict(OUT_OF_BAND, null, null, "out of band: already known, its finding stands");
    }
    if (known.removedGrant() != null) {
      return new Verdict(OUT_OF_BAND, null, KIND_REAPPEARED, "sticky revoke: accessflow removed this membership when"
          + " request " + known.removedGrant() + " ended (" + known.removedAt() + "); it is back without a request");
    }
    if (known.baseline()) {
      return new Verdict(STANDING, null, KIND_STANDING,
          "no grant: in the group at accessflow's first sync of it, with no request behind it");
    }
    return new Verdict(OUT_OF_BAND, null, KIND_OUT_OF_BAND,
        "out of band: added in the IdP with no request behind it, after accessflow last looked");
  }

  /** The policy as the catalog names it; report when it names none. */
  public static String policy(String named) {
    return named == null || named.isBlank() ? REPORT : named;
  }
}
