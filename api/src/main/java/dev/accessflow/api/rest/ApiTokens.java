package dev.accessflow.api.rest;

import io.dropwizard.auth.Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/** The configured API tokens, as dropwizard-auth's authenticator: a presented token is compared in constant time. */
public final class ApiTokens implements Authenticator<String, Caller> {
  private final List<ApiToken> tokens;

  public ApiTokens(List<ApiToken> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  @Override
  public Optional<Caller> authenticate(String presented) {
    byte[] given = presented.getBytes(StandardCharsets.UTF_8);
    Caller found = null;
    for (ApiToken token : tokens) {
      // Check every token, so the time taken does not tell which one nearly matched.
      if (MessageDigest.isEqual(given, token.token().getBytes(StandardCharsets.UTF_8)) && found == null) {
        found = new Caller(token.principal(), token.actOnBehalf());
      }
    }
    return Optional.ofNullable(found);
  }
}
