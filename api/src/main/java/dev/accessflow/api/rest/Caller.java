package dev.accessflow.api.rest;

import dev.accessflow.api.ApiProblem;
import java.security.Principal;

/** Who is calling the REST API, as established by the bearer token; resources take it as {@code @Auth Caller}. */
public record Caller(String principal, boolean actOnBehalf) implements Principal {
  @Override
  public String getName() {
    return principal;
  }

  /**
   * The person this call acts as: the token's principal, or (for trusted integrations only) the
   * person named in the body.
   */
  public String actingAs(String named, String field) {
    if (named == null || named.isBlank()) {
      if (actOnBehalf) {
        throw ApiProblem.invalid(field, field + " is required: this token acts on behalf of people and must name one");
      }
      return principal;
    }
    if (!actOnBehalf && !named.equalsIgnoreCase(principal)) {
      throw new ApiProblem(403, "this token belongs to " + principal + " and cannot act as " + named, field);
    }
    return named.strip().toLowerCase();
  }
}
