package dev.accessflow.api.rest;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.ports.LogContext;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.regex.Pattern;

/**
 * Every log line written while serving {@code /v1/requests/{id}...} names the request and its
 * workflow (the error mappers' lines included), and the context is gone when the answer is sent.
 */
public final class RequestLogContext implements ContainerRequestFilter, ContainerResponseFilter {
  private static final String CONTEXT = RequestLogContext.class.getName();
  /** What a request id looks like; anything else (a probe's path) is not put into the log context. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  @Override
  public void filter(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("v1/requests/")) {
      return;
    }
    String id = request.getUriInfo().getPathParameters().getFirst("id");
    if (id != null && ID.matcher(id).matches()) {
      request.setProperty(CONTEXT, LogContext.of(id, AccessflowTemporal.workflowId(id), null));
    }
  }

  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    if (request.getProperty(CONTEXT) instanceof LogContext context) {
      context.close();
      request.removeProperty(CONTEXT);
    }
  }
}
