package dev.accessflow.workflows.model;

import java.time.Instant;

/**
 * What one pass over the open findings did.
 *
 * @param remaining findings still to report or remove now (another pass follows at once)
 * @param nextRemovalAt when the next removal under the {@code remove} policy falls due; null for none
 */
public record DriftSweep(int reported, int removed, int remaining, Instant nextRemovalAt) {}
