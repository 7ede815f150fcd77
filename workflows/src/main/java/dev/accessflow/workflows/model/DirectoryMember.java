package dev.accessflow.workflows.model;

import java.time.Instant;

/**
 * A member of an IdP group as the directory lists it.
 *
 * @param status the IdP's account status (Okta: ACTIVE, SUSPENDED, DEPROVISIONED...)
 * @param lastLogin null when the IdP has never seen a sign-in
 * @param manager the manager as the IdP's profile names them (a login, or an id the IdP uses)
 */
public record DirectoryMember(String userId, String login, String displayName, String status, Instant lastLogin,
    String department, String title, String manager) {}
