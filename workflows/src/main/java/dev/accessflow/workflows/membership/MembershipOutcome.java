package dev.accessflow.workflows.membership;

/**
 * What a lease call did to a membership, as the membership workflow answers it (plain text on the
 * wire, so older answers still read): the request workflow puts it on the ticket.
 */
public final class MembershipOutcome {
  private MembershipOutcome() {}

  public static final String ADDED = "added";
  public static final String REMOVED = "removed";
  /** The person was a member before accessflow granted anything: the grant leans on it and never removes it. */
  public static final String STANDING = "standing";
  static final String SHARED = "shared with ";
  static final String KEPT = "kept: ";
  static final String GONE = "removed: ";

  static String shared(String others) {
    return SHARED + others;
  }

  static String keptFor(String holders) {
    return KEPT + "still held by " + holders;
  }

  static String keptStanding() {
    return KEPT + "standing membership from before accessflow's grant, left in place";
  }

  public static String alreadyGone(String why) {
    return GONE + "already gone (" + why + ")";
  }

  /** The membership was there before the grant (answer of acquire). */
  public static boolean standing(String outcome) {
    return STANDING.equals(outcome);
  }

  /** The membership stayed in place after a release (another holder, or standing access). */
  public static boolean kept(String outcome) {
    return outcome != null && outcome.startsWith(KEPT);
  }

  /** Why a release removed nothing, or null when it removed the membership. */
  public static String note(String outcome) {
    if (outcome == null || outcome.equals(REMOVED)) {
      return null;
    }
    return outcome.startsWith(KEPT) ? outcome.substring(KEPT.length()) : outcome.startsWith(GONE)
        ? outcome.substring(GONE.length()) : outcome;
  }
}
