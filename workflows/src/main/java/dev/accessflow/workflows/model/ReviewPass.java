package dev.accessflow.workflows.model;

import java.time.Instant;

/**
 * One pass over a campaign's queued revocations.
 *
 * @param revoked confirmed by the IdP in this pass
 * @param failed tried and not confirmed (each is due again later)
 * @param due revocations due now that this pass left (the next pass takes them)
 * @param pending every revocation not yet confirmed
 * @param nextAttemptAt when the earliest of them is due, or null
 * @param undecided items nobody has decided yet (0: the campaign can close before its due date)
 */
public record ReviewPass(int revoked, int failed, int due, int pending, Instant nextAttemptAt, int undecided) {}
