package dev.accessflow.api.rest;

import dev.accessflow.api.ApiProblem;
import dev.accessflow.workflows.model.RequestStatus;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;

/** Query parameters of the list and export endpoints, read strictly: a bad one is a 400 that names it. */
final class QueryParams {
  /** Longest value a filter takes (ids, logins, app and role names are all far shorter). */
  static final int MAX_LENGTH = 256;

  private QueryParams() {}

  static String text(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    if (value.length() > MAX_LENGTH) {
      throw ApiProblem.invalid("query", "a query parameter is longer than " + MAX_LENGTH + " characters");
    }
    return value.strip();
  }

  static int limit(String value, int max) {
    try {
      int limit = Integer.parseInt(value.strip());
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // the message below says what a limit is
    }
    throw ApiProblem.invalid("limit", "limit must be a whole number between 1 and " + max + ", not '" + value + "'");
  }

  static Instant instant(String value, String name) {
    String text = text(value);
    if (text == null) {
      return null;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw ApiProblem.invalid(name, name + " must be an ISO-8601 instant such as 2026-01-31T00:00:00Z, not '" + text + "'");
    }
  }

  static String status(String value) {
    String text = text(value);
    if (text == null) {
      return null;
    }
    try {
      return RequestStatus.valueOf(text.toUpperCase(Locale.ROOT)).name();
    } catch (IllegalArgumentException e) {
      throw ApiProblem.invalid("status", "status must be one of " + Arrays.toString(RequestStatus.values())
          + ", not '" + text + "'");
    }
  }
}
