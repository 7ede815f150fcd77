package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which IdP answers refuse a requester at intake, and which let the workflow decide later. */
class IdpRequesterCheckTest {

  private static IdpRequesterCheck answering(Function<String, IdpUser> resolve) {
    return new IdpRequesterCheck(new IdentityProvider() {
      @Override
      public IdpUser resolveUser(String login) {
        return resolve.apply(login);
      }

      @Override
      public void addMember(Membership membership) {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean isMember(Membership membership) {
        throw new UnsupportedOperationException();
      }

      @Override
      public String removeMember(Membership membership) {
        throw new UnsupportedOperationException();
      }
    });
  }

  @Test
  void aKnownActivePersonMayRequest() {
    assertThat(answering(login -> new IdpUser(login, "00u1", "Dana", null, null, null)).check("dana@example.com").refusal()).isNull();
  }

  @Test
  void anUnknownSuspendedOrDeprovisionedPersonIsRefusedWithTheIdpsReason() {
    assertThat(answering(login -> {
      throw ApplicationFailure.newNonRetryableFailure("no Okta user with login " + login, AccessflowTemporal.UNKNOWN_USER);
    }).check("ghost@example.com").refusal()).isEqualTo("no Okta user with login ghost@example.com");
    assertThat(answering(login -> {
      throw ApplicationFailure.newNonRetryableFailure("Okta user " + login + " is SUSPENDED; access cannot be granted",
          AccessflowTemporal.IDP_REJECTED);
    }).check("sus@example.com").refusal()).isEqualTo("Okta user sus@example.com is SUSPENDED; access cannot be granted");
  }

  @Test
  void anIdpThatCannotBeAskedNowRefusesNobodyTheWorkflowChecksAgain() {
    assertThat(answering(login -> {
      throw ApplicationFailure.newFailure("Okta unreachable", AccessflowTemporal.IDP_UNAVAILABLE);
    }).check("dana@example.com").refusal()).isNull();
    assertThat(answering(login -> {
      throw new IllegalStateException("connection reset");
    }).check("dana@example.com").refusal()).isNull();
  }
}
