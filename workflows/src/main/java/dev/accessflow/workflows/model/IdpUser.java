package dev.accessflow.workflows.model;

import java.time.Instant;

/**
 * A person as the IdP knows them. Resolved once per request; the id is then reused for every
 * membership change.
 *
 * @param manager the manager's login, or null
 * @param lastLogin null when the IdP has never seen a login
 */
public record IdpUser(String login, String id, String displayName, String manager, String department, Instant lastLogin) {}
