package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import io.temporal.activity.ActivityInterface;

/**
 * The identity provider port: who a person is, and their group memberships. Every method is safe
 * to repeat: adding a member twice or removing an absent one succeeds.
 */
@ActivityInterface(namePrefix = "Idp")
public interface IdentityProvider {

  /** Look a person up by login; fails non-retryably with {@code UnknownUser} if there is none. */
  IdpUser resolveUser(String login);

  /** Put the user in the group; already a member counts as success. */
  void addMember(Membership membership);

  /**
   * Whether the user is in the group right now. Asked before accessflow first grants a membership,
   * so one that was there before (standing access) is never taken away when the grant ends.
   */
  boolean isMember(Membership membership);

  /**
   * Take the user out of the group; already absent counts as success.
   *
   * @return null when the membership was removed; otherwise why there was nothing to remove (e.g.
   *     the IdP no longer knows the user or the group), for the audit trail
   */
  String removeMember(Membership membership);
}
