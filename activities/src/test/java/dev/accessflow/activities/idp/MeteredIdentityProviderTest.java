package dev.accessflow.activities.idp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.failure.ApplicationFailure;
import org.junit.jupiter.api.Test;

/** Each IdP call is counted once, by operation and by what came of it, and nothing it throws is changed. */
class MeteredIdentityProviderTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void callsAreCountedByOperationAndOutcomeAndFailuresPassThroughUnchanged() {
    ApplicationFailure down = ApplicationFailure.newFailure("Okta failed: 503", AccessflowTemporal.IDP_UNAVAILABLE);
    IdentityProvider idp = new IdentityProvider() {
      @Override
      public IdpUser resolveUser(String login) {
        throw ApplicationFailure.newNonRetryableFailure("no such user", AccessflowTemporal.UNKNOWN_USER);
      }

      @Override
      public void addMember(Membership membership) {}

      @Override
      public boolean isMember(Membership membership) {
        throw new IllegalStateException("boom");
      }

      @Override
      public String removeMember(Membership membership) {
        throw down;
      }
    };
    MeteredIdentityProvider metered = new MeteredIdentityProvider(idp, "okta", new AccessflowMetrics(registry));
    Membership membership = new Membership("r1", "dana@example.com", "00u1", "00g1");

    metered.addMember(membership);
    metered.addMember(membership);
    assertThatThrownBy(() -> metered.removeMember(membership)).isSameAs(down);
    assertThatThrownBy(() -> metered.resolveUser("ghost@example.com")).isInstanceOf(ApplicationFailure.class);
    assertThatThrownBy(() -> metered.isMember(membership)).isInstanceOf(IllegalStateException.class);

    assertThat(count("add_member", "ok")).isEqualTo(2);
    assertThat(count("remove_member", AccessflowTemporal.IDP_UNAVAILABLE)).isEqualTo(1);
    assertThat(count("resolve_user", AccessflowTemporal.UNKNOWN_USER)).isEqualTo(1);
    assertThat(count("is_member", "IllegalStateException")).isEqualTo(1);
  }

  private long count(String operation, String outcome) {
    return registry.get("accessflow.idp.calls").tags("idp", "okta", "operation", operation, "outcome", outcome)
        .timer().count();
  }
}
