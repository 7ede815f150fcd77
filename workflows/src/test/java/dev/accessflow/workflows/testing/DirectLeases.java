package dev.accessflow.workflows.testing;

import dev.accessflow.workflows.Membership;
import dev.accessflow.workflows.ports.MembershipLeases;
import dev.accessflow.workflows.ports.IdentityProvider;

/** Leases that go straight to the IdP, for tests of the request workflow alone. */
public final class DirectLeases implements MembershipLeases {
  private final IdentityProvider idp;

  public DirectLeases(IdentityProvider idp) {
    this.idp = idp;
  }

  @Override
  public void acquire(Membership membership) {
    idp.addMember(membership);
  }

  @Override
  public void release(Membership membership) {
    idp.removeMember(membership);
  }
}
