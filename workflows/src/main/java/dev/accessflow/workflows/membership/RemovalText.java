package dev.accessflow.workflows.membership;

import dev.accessflow.workflows.model.AccessRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The audit line for the end of a grant: which groups lost the person, which memberships stayed and
 * why, and, every time, how long after it was due the removal took effect against the target, so
 * the ticket alone proves the removal was on time (or says it was late). Pure and deterministic.
 */
public final class RemovalText {
  private RemovalText() {}

  /**
   * @param outcomes per group id, the lease's {@link MembershipOutcome}
   * @param dueWhat what the lag is measured from, e.g. "the grant ended"
   */
  public static String of(AccessRequest request, Map<String, String> outcomes, Instant at, Duration lag, Duration target,
      String dueWhat, Instant due) {
    List<String> removed = new ArrayList<>();
    List<String> untouched = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    outcomes.forEach((group, outcome) -> {
      String note = MembershipOutcome.note(outcome);
      if (MembershipOutcome.kept(outcome)) {
        kept.add(request.groupLabel(group) + ": " + note);
      } else if (note != null) {
        untouched.add(request.groupLabel(group) + ": " + note);
      } else {
        removed.add(request.groupLabel(group));
      }
    });
    boolean late = lag.compareTo(target) > 0;
    String timing = seconds(lag) + " after " + dueWhat + "; target " + seconds(target) + (late ? ": LATE (due " + due + ")" : "");
    StringBuilder text = new StringBuilder();
    if (!removed.isEmpty()) {
      text.append("Removed ").append(request.requester()).append(" from groups ").append(String.join(", ", removed))
          .append(" at ").append(at).append(", ").append(timing).append('.');
    } else {
      text.append("Settled at ").append(at).append(", ").append(timing).append('.');
    }
    if (!untouched.isEmpty()) {
      text.append(" Nothing to remove from ").append(String.join("; ", untouched)).append('.');
    }
    if (!kept.isEmpty()) {
      text.append(" Kept ").append(String.join("; ", kept)).append('.');
    }
    return text.toString();
  }

  /** "0.07 s", "1 s", "12.40 s"; over a minute the ISO form follows, e.g. "3725.00 s (PT1H2M5S)". */
  static String seconds(Duration d) {
    double s = d.toNanos() / 1e9;
    String text = s == Math.rint(s) && s < 60 ? String.format(Locale.ROOT, "%.0f s", s) : String.format(Locale.ROOT, "%.2f s", s);
    return s >= 60 ? text + " (" + d.withNanos(0) + ")" : text;
  }
}
