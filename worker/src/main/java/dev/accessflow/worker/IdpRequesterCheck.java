package dev.accessflow.worker;

import dev.accessflow.api.AccessRequestIntake;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intake's requester check on the configured IdP (the adapter called directly, outside Temporal):
 * an unknown, suspended or deprovisioned person is refused before any workflow starts. When the
 * IdP cannot be asked just now the request goes ahead: the workflow resolves the requester again,
 * retrying until the IdP answers, and fails the request then if the answer is no.
 */
final class IdpRequesterCheck implements AccessRequestIntake.RequesterCheck {
  private static final Logger log = LoggerFactory.getLogger(IdpRequesterCheck.class);
  private final IdentityProvider idp;

  IdpRequesterCheck(IdentityProvider idp) {
    this.idp = idp;
  }

  @Override
  public Answer check(String login) {
    try {
      return new Answer(null, idp.resolveUser(login));
    } catch (ApplicationFailure failure) {
      if (AccessflowTemporal.UNKNOWN_USER.equals(failure.getType()) || AccessflowTemporal.IDP_REJECTED.equals(failure.getType())) {
        return new Answer(failure.getOriginalMessage(), null);
      }
      log.warn("requester {} not checked at intake ({}); the workflow checks again", login, failure.getType());
      return new Answer(null, null);
    } catch (RuntimeException e) {
      log.warn("requester {} not checked at intake ({}); the workflow checks again", login, e.getClass().getSimpleName());
      return new Answer(null, null);
    }
  }
}
