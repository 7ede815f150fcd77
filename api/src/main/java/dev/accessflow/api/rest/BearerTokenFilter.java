package dev.accessflow.api.rest;

import io.dropwizard.auth.AuthFilter;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import dev.accessflow.api.ApiProblem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * Bearer-token authentication for every /v1 resource (whether or not it names an {@code @Auth}
 * parameter), through dropwizard-auth: the caller becomes the request's principal, which resources
 * take as {@code @Auth Caller}. Also caps the body size. Tokens are compared in constant time
 * ({@link ApiTokens}) and never logged.
 */
@Priority(Priorities.AUTHENTICATION)
public final class BearerTokenFilter extends AuthFilter<String, Caller> {
  static final long MAX_BODY_BYTES = 64 * 1024;

  private BearerTokenFilter() {}

  /** The filter for these tokens; register it with {@code new AuthValueFactoryProvider.Binder<>(Caller.class)}. */
  public static BearerTokenFilter of(List<ApiToken> tokens) {
    return new AuthFilterBuilder<String, Caller, BearerTokenFilter>() {
      @Override
      protected BearerTokenFilter newInstance() {
        return new BearerTokenFilter();
      }
    }.setAuthenticator(new ApiTokens(tokens)).setPrefix("Bearer").setRealm("accessflow").buildAuthFilter();
  }

  @Override
  public void filter(ContainerRequestContext request) {
    if (!request.getUriInfo().getPath().startsWith("v1")) {
      return;
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    String token = header != null && header.startsWith(prefix + " ") ? header.substring(prefix.length() + 1).strip() : null;
    // authenticate() makes the caller the request's principal (SecurityContext), where @Auth finds it.
    if (token == null || token.isEmpty() || !authenticate(request, token, "Bearer")) {
      request.abortWith(Response.status(401)
          .header(HttpHeaders.WWW_AUTHENTICATE, prefix + " realm=\"" + realm + "\"")
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
    }
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
}
