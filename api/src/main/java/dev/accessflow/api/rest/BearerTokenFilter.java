package dev.accessflow.api.rest;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.accessflow.api.ApiProblem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Bearer-token authentication for /v1, and a cap on body size. Tokens are compared in constant
 * time and never logged.
 */
@Priority(Priorities.AUTHENTICATION)
public final class BearerTokenFilter implements ContainerRequestFilter {
  static final long MAX_BODY_BYTES = 64 * 1024;
  private final List<ApiToken> tokens;

  public BearerTokenFilter(List<ApiToken> tokens) {
    this.tokens = List.copyOf(tokens);
  }

  @Override
  public void filter(ContainerRequestContext request) {
    if (!request.getUriInfo().getPath().startsWith("v1")) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    Caller caller = header != null && header.startsWith("Bearer ") ? match(header.substring(7).strip()) : null;
    if (caller == null) {
      request.abortWith(Response.status(401)
          .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"accessflow\"")
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(new ApiError(401, header == null
              ? "missing Authorization: Bearer <token> header"
              : "the bearer token is not valid", null))
          .build());
      return;
    }
    // Read at most the cap whatever the framing: a chunked body has no Content-Length to check.
    if (request.getLength() > MAX_BODY_BYTES || !boundedBody(request)) {
      request.abortWith(Response.status(413).type(MediaType.APPLICATION_JSON_TYPE)
          .entity(new ApiError(413, "request body is larger than " + MAX_BODY_BYTES + " bytes", null)).build());
      return;
    }
    request.setProperty(Caller.PROPERTY, caller);
  }

  /** Buffers the body (at most the cap) so the resource reads it from memory; false when it is over the cap. */
  private static boolean boundedBody(ContainerRequestContext request) {
    if (!request.hasEntity()) {
      return true;
    }
    try {
      byte[] body = request.getEntityStream().readNBytes((int) MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        return false;
      }
      request.setEntityStream(new ByteArrayInputStream(body));
      return true;
    } catch (IOException e) {
      throw new ApiProblem(400, "the request body could not be read", null);
    }
  }

  private Caller match(String presented) {
    byte[] given = presented.getBytes(StandardCharsets.UTF_8);
    Caller found = null;
    for (ApiToken token : tokens) {
      // Check every token, so the time taken does not tell which one nearly matched.
      if (MessageDigest.isEqual(given, token.token().getBytes(StandardCharsets.UTF_8)) && found == null) {
        found = new Caller(token.principal(), token.actOnBehalf());
      }
    }
    return found;
  }
}
