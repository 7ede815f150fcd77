package dev.accessflow.workflows;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;

/** Turns Temporal failures into the one-line reasons a person reads in the request state. */
public final class Failures {
  private Failures() {}

  public static String describe(ActivityFailure failure) {
    Throwable cause = failure.getCause();
    if (cause instanceof ApplicationFailure app) {
      return app.getOriginalMessage();
    }
    return cause == null ? failure.getMessage() : cause.getMessage();
  }

  public static String type(ActivityFailure failure) {
    return failure.getCause() instanceof ApplicationFailure app ? app.getType() : null;
  }
}
