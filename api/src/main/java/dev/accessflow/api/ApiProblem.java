package dev.accessflow.api;

/** A request accessflow refuses: HTTP status, a message a person can act on, and the field at fault. */
public final class ApiProblem extends RuntimeException {
  private final int status;
  private final String field;

  public ApiProblem(int status, String message, String field) {
    super(message);
    this.status = status;
    this.field = field;
  }

  public static ApiProblem invalid(String field, String message) {
    return new ApiProblem(422, message, field);
  }

  public int status() {
    return status;
  }

  public String field() {
    return field;
  }
}
