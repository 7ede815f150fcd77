package dev.accessflow.api.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.accessflow.api.ApiProblem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failure leaves the API as an {@link ApiError}; only our own bugs are 500s. */
public final class ApiErrorMappers {
  private ApiErrorMappers() {}

  static Response json(int status, String message, String field) {
    return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(status, message, field)).build();
  }

  /** Our own refusals. */
  public static final class Problems implements ExceptionMapper<ApiProblem> {
    @Override
    public Response toResponse(ApiProblem problem) {
      return json(problem.status(), problem.getMessage(), problem.field());
    }
  }

  /** Malformed JSON and wrong types: 400, naming the field when Jackson knows it. */
  public static final class BadJson implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
      if (e instanceof JsonParseException) {
        return json(400, "the body is not valid JSON: " + e.getOriginalMessage(), null);
      }
      if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
        String field = mapping.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
        return json(400, "field '" + field + "' has the wrong type or value", field);
      }
      return json(400, "the body could not be read as the expected JSON object", null);
    }
  }

  /** Jersey's own errors (404 path, 405 method, 415 media type...) in our shape. */
  public static final class Web implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      int status = e.getResponse().getStatus();
      return json(status, e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage(), null);
    }
  }

  /** The gRPC code when a failure is Temporal being unreachable, overloaded or too slow; null otherwise. */
  static Status.Code temporalUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException s && TRANSIENT.contains(s.getStatus().getCode())) {
        return s.getStatus().getCode();
      }
    }
    return null;
  }

  private static final Set<Status.Code> TRANSIENT = Set.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED);

  /**
   * Why the ledger's database could not be reached, when that is the failure; null otherwise. Only
   * connection failures count (SQLState class 08, an administrator shutdown 57P, or a pool that
   * timed out): a bad statement is our bug and stays a 500.
   */
  static String ledgerUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.sql.SQLRecoverableException) {
        return t.getClass().getSimpleName();
      }
      if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
          && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
        return "SQLState " + sql.getSQLState();
      }
    }
    return null;
  }

  /** Anything else is our bug: log it, answer without internals. */
  public static final class Unexpected implements ExceptionMapper<RuntimeException> {
    private static final Logger log = LoggerFactory.getLogger(Unexpected.class);

    @Override
    public Response toResponse(RuntimeException e) {
      if (e instanceof WebApplicationException web) {
        return new Web().toResponse(web);
      }
      if (e instanceof ApiProblem problem) {
        return new Problems().toResponse(problem);
      }
      Status.Code unavailable = temporalUnavailable(e);
      if (unavailable != null) {
        // Temporal is slow or down: the caller should retry, it is not our bug and not their fault.
        log.warn("Temporal did not answer: {}", unavailable);
        return Response.fromResponse(json(503, "Temporal did not answer in time (" + unavailable + "); nothing was changed by this call, retry shortly", null))
            .header("Retry-After", "5").build();
      }
      String ledger = ledgerUnavailable(e);
      if (ledger != null) {
        // The database is down or restarting: requests and decisions still work through Temporal.
        log.warn("the ledger's database did not answer: {}", ledger);
        return Response.fromResponse(json(503, "the ledger (accessflow's database) is unavailable; nothing was changed by"
            + " this call, retry shortly", null)).header("Retry-After", "5").build();
      }
      log.error("unexpected error answering a request", e);
      return json(500, "internal error; see the server log", null);
    }
  }
}
