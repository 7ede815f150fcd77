package dev.accessflow.workflows.model;

import java.time.Instant;

/**
 * One pass over a reclaim run's open items: sign-ins settled, graces that ended, removals carried out.
 *
 * @param kept graces ended by a sign-in in this pass
 * @param removed removals the IdP confirmed in this pass
 * @param failed removals tried and not confirmed (each is due again later)
 * @param due removals due now that this pass left (the next pass takes them)
 * @param inGrace items whose grace still runs
 * @param nextGraceEnd when the earliest of those graces ends, or null
 * @param removing removals not yet confirmed
 * @param nextAttemptAt when the earliest of them is due, or null
 */
public record ReclaimPass(int kept, int removed, int failed, int due, int inGrace, Instant nextGraceEnd, int removing,
    Instant nextAttemptAt) {

  /** Nothing of the run is open any more: it can close. */
  public boolean settled() {
    return inGrace == 0 && removing == 0;
  }
}
