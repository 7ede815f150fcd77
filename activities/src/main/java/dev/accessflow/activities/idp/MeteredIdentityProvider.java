package dev.accessflow.activities.idp;

import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Times every call of the identity provider port and counts it by outcome: "ok", or the failure's
 * type as the Temporal UI shows it (IdpRateLimited, IdpUnavailable, UnknownUser, ...), so a
 * dashboard tells a throttled IdP from a refusing one. Outermost, so calls held by the outage gate
 * count with the time they were held.
 */
public final class MeteredIdentityProvider implements IdentityProvider {
  private final IdentityProvider idp;
  private final String name;
  private final AccessflowMetrics metrics;

  /** @param name the IdP's label on the series: okta, sandbox */
  public MeteredIdentityProvider(IdentityProvider idp, String name, AccessflowMetrics metrics) {
    this.idp = idp;
    this.name = name;
    this.metrics = metrics;
  }

  @Override
  public IdpUser resolveUser(String login) {
    return timed("resolve_user", () -> idp.resolveUser(login));
  }

  @Override
  public void addMember(Membership membership) {
    timed("add_member", () -> {
      idp.addMember(membership);
      return null;
    });
  }

  @Override
  public boolean isMember(Membership membership) {
    return timed("is_member", () -> idp.isMember(membership));
  }

  @Override
  public String removeMember(Membership membership) {
    return timed("remove_member", () -> idp.removeMember(membership));
  }

  private <T> T timed(String operation, Supplier<T> call) {
    long start = System.nanoTime();
    String outcome = "ok";
    try {
      return call.get();
    } catch (ApplicationFailure failure) {
      outcome = failure.getType() == null || failure.getType().isBlank() ? "ApplicationFailure" : failure.getType();
      throw failure;
    } catch (RuntimeException e) {
      outcome = e.getClass().getSimpleName();
      throw e;
    } finally {
      metrics.idpCall(name, operation, outcome, Duration.ofNanos(System.nanoTime() - start));
    }
  }
}
