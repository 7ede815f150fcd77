package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.IdpUser;
import dev.accessflow.workflows.Membership;
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

  /** Take the user out of the group; already absent counts as success. */
  void removeMember(Membership membership);
}
