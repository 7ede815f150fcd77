package dev.accessflow.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

class ApiErrorMappersTest {
  private final ApiErrorMappers.Unexpected mapper = new ApiErrorMappers.Unexpected();

  @Test
  void temporalDeadlineExceededIsA503WithRetryAfterNotA500() {
    var wrapped = new RuntimeException("query failed", new StatusRuntimeException(Status.DEADLINE_EXCEEDED));

    var response = mapper.toResponse(wrapped);

    assertThat(response.getStatus()).isEqualTo(503);
    assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
    assertThat(((ApiError) response.getEntity()).message()).contains("DEADLINE_EXCEEDED").contains("retry");
  }

  @Test
  void temporalUnavailableIsA503() {
    assertThat(mapper.toResponse(new StatusRuntimeException(Status.UNAVAILABLE)).getStatus()).isEqualTo(503);
  }

  @Test
  void otherFailuresStayA500WithoutInternals() {
    var response = mapper.toResponse(new IllegalStateException("secret detail"));

    assertThat(response.getStatus()).isEqualTo(500);
    assertThat(((ApiError) response.getEntity()).message()).doesNotContain("secret detail");
  }

  @Test
  void aLedgerThatCannotBeReachedIsA503NamingTheLedger() {
    var poolTimedOut = new RuntimeException("jdbi", new java.sql.SQLTransientConnectionException(
        "accessflow-ledger - Connection is not available, request timed out after 1000ms"));
    var refused = new RuntimeException("jdbi", new java.sql.SQLException("Connection to 127.0.0.1:5432 refused", "08001"));

    for (var failure : java.util.List.of(poolTimedOut, refused)) {
      var response = mapper.toResponse(failure);
      assertThat(response.getStatus()).isEqualTo(503);
      assertThat(response.getHeaderString("Retry-After")).isEqualTo("5");
      assertThat(((ApiError) response.getEntity()).message()).contains("ledger").doesNotContain("127.0.0.1");
    }
  }

  @Test
  void aBadStatementIsStillOurBug() {
    var syntax = new RuntimeException("jdbi", new java.sql.SQLException("syntax error at or near", "42601"));

    assertThat(mapper.toResponse(syntax).getStatus()).isEqualTo(500);
  }

  @Test
  void aGrpcInvalidArgumentIsStillOurBug() {
    assertThat(mapper.toResponse(new StatusRuntimeException(Status.INVALID_ARGUMENT)).getStatus()).isEqualTo(500);
  }
}
