package dev.accessflow.api.catalog;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Every problem found in a catalog, each with its place; reads the text values a {@link CatalogSpec} keeps. */
final class CatalogProblems {
  private static final Pattern LOGIN = Pattern.compile("[^@\\s]+@[^@\\s]+");

  private final List<String> problems = new ArrayList<>();

  void add(String where, String problem) {
    problems.add(where + ": " + problem);
  }

  int count() {
    return problems.size();
  }

  /** Throws one {@link CatalogException} that lists every problem, one per line. */
  void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new CatalogException(String.join("\n", problems));
    }
  }

  /** A positive ISO-8601 duration, or null (and a problem) when {@code text} is not one; null text is null. */
  Duration duration(String text, String where) {
    if (text == null) {
      return null;
    }
    try {
      Duration parsed = Duration.parse(text);
      if (parsed.isNegative() || parsed.isZero()) {
        add(where, text + " must be positive");
        return null;
      }
      return parsed;
    } catch (DateTimeParseException e) {
      add(where, "'" + text + "' is not an ISO-8601 duration (write PT1H, PT6H, PT24H or P7D)");
      return null;
    }
  }

  /** The durations of a list, leaving out (and reporting) the ones that are not durations. */
  List<Duration> durations(List<String> texts, String where) {
    List<Duration> durations = new ArrayList<>();
    for (String text : strings(texts, where)) {
      Duration parsed = duration(text, where);
      if (parsed != null) {
        durations.add(parsed);
      }
    }
    return durations;
  }

  /** The non-empty strings of a list (a left-out list is empty). */
  List<String> strings(List<String> values, String where) {
    List<String> kept = new ArrayList<>();
    for (String value : values == null ? List.<String>of() : values) {
      if (value == null || value.isBlank()) {
        add(where, "every entry must be a non-empty string");
      } else {
        kept.add(value);
      }
    }
    return kept;
  }

  /** The strings of a list, each of which must be an IdP login (an email address). */
  List<String> logins(List<String> values, String where) {
    List<String> logins = strings(values, where);
    logins.stream().filter(login -> !isLogin(login))
        .forEach(login -> add(where, "'" + login + "' is not an IdP login (an email address)"));
    return logins;
  }

  static boolean isLogin(String text) {
    return LOGIN.matcher(text).matches();
  }
}
