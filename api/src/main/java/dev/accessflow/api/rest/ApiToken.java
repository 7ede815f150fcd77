package dev.accessflow.api.rest;

import java.util.Objects;

/**
 * A bearer token and whom it speaks for. A token with {@code actOnBehalf} belongs to a trusted
 * integration (a portal, the CLI) and may name the requester or actor in the body; any other
 * token can only act as its own principal.
 */
public record ApiToken(String principal, String token, boolean actOnBehalf) {
  public ApiToken {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(token, "token");
  }

  @Override
  public String toString() {
    return "ApiToken[principal=" + principal + ", token=***, actOnBehalf=" + actOnBehalf + "]";
  }
}
