package dev.accessflow.api;

import com.codahale.metrics.health.HealthCheck;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;

/** Healthy when the Temporal service answers within two seconds. */
public final class TemporalHealthCheck extends HealthCheck {
  private final WorkflowServiceStubs service;
  private final String target;

  public TemporalHealthCheck(WorkflowServiceStubs service, String target) {
    this.service = service;
    this.target = target;
  }

  @Override
  protected Result check() {
    try {
      service.blockingStub().withDeadlineAfter(2, TimeUnit.SECONDS).getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return Result.healthy("Temporal at " + target + " answers");
    } catch (RuntimeException e) {
      return Result.unhealthy("Temporal at " + target + " does not answer: " + e.getMessage());
    }
  }
}
