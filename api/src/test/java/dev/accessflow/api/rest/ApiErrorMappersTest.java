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
  void aGrpcInvalidArgumentIsStillOurBug() {
    assertThat(mapper.toResponse(new StatusRuntimeException(Status.INVALID_ARGUMENT)).getStatus()).isEqualTo(500);
  }
}
