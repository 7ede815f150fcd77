package dev.accessflow.workflows.model;

import java.time.Instant;

/**
 * A membership change the IdP told accessflow about (an Okta event hook, a sandbox change): ids
 * only, never the vendor's payload.
 *
 * @param eventId the IdP's event id, unique per change (deliveries are at least once)
 * @param added true for an add, false for a removal
 * @param actor who made the change in the IdP, as it names them (for the finding), or null
 */
public record MembershipChange(String eventId, String groupId, String userId, String login, boolean added,
    Instant at, String actor) {}
