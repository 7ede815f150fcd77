package dev.accessflow.workflows.testing;

import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.membership.MembershipOutcome;
import dev.accessflow.workflows.ports.MembershipLeases;
import dev.accessflow.workflows.ports.IdentityProvider;

/** Leases that go straight to the IdP, for tests of the request workflow alone. */
public final class DirectLeases implements MembershipLeases {
  private final IdentityProvider idp;

  public DirectLeases(IdentityProvider idp) {
    this.idp = idp;
  }

  @Override
  public String acquire(Membership membership) {
    if (idp.isMember(membership)) {
      return MembershipOutcome.STANDING;
    }
    idp.addMember(membership);
    return MembershipOutcome.ADDED;
  }

  @Override
  public String release(Membership membership) {
    idp.removeMember(membership);
    return MembershipOutcome.REMOVED;
  }
}
