package dev.accessflow.workflows.ports;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The IdP's record of who signed in to an app, read a window at a time: auto-reclaim's best usage
 * signal (Okta: the System Log's {@code user.authentication.sso} events whose target is the app).
 */
public interface AppSignIns {

  /** One sign-in: who (login as the IdP has it, and their IdP id) and when. */
  record SignIn(String login, String idpUserId, Instant at) {}

  /** One page of sign-ins, oldest first, and the cursor of the next (null after the last). */
  record SignInPage(List<SignIn> signIns, String next) {
    public SignInPage {
      signIns = List.copyOf(signIns);
    }
  }

  /** How far back the IdP keeps its log: a read never asks for more, and a threshold past it falls back to the last login. */
  Duration retention();

  /**
   * Sign-ins to {@code idpApp} in [{@code since}, {@code until}), after {@code cursor} (null: from
   * the start of the window), at most {@code limit}. Fails retryably while the IdP is down or
   * rate-limits, non-retryably ({@code IdpRejected}) when it refuses the query.
   */
  SignInPage signIns(String idpApp, Instant since, Instant until, String cursor, int limit);
}
