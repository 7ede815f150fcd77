package dev.accessflow.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** One scrape of the admin port's Prometheus text, parsed into series and their values. */
record PrometheusScrape(int status, String contentType, Map<String, Double> series) {
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  static PrometheusScrape of(int adminPort) {
    try {
      HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + adminPort + "/prometheus")).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new PrometheusScrape(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
          parse(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Scrapes until {@code done} holds, or fails after the timeout naming what was seen. */
  static PrometheusScrape await(int adminPort, String what, Predicate<PrometheusScrape> done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    PrometheusScrape scrape = of(adminPort);
    while (!done.test(scrape) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      scrape = of(adminPort);
    }
    if (!done.test(scrape)) {
      throw new AssertionError("the scrape never showed " + what + " within " + timeout + "; accessflow series: "
          + scrape.names().stream().filter(n -> n.startsWith("accessflow_")).toList());
    }
    return scrape;
  }

  /** Text format lines: {@code name{labels} value}; comments skipped. */
  static Map<String, Double> parse(String text) {
    Map<String, Double> series = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return series;
  }

  /** The value of the series with this name and at least these labels (k=v pairs), summed over the rest. */
  double value(String name, String... labels) {
    double sum = 0;
    boolean found = false;
    for (var entry : series.entrySet()) {
      String key = entry.getKey();
      String bare = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
      if (!bare.equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= key.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        sum += entry.getValue();
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  boolean has(String name, String... labels) {
    return !Double.isNaN(value(name, labels));
  }

  /** Every metric name in the scrape. */
  Set<String> names() {
    Set<String> names = new TreeSet<>();
    series.keySet().forEach(k -> names.add(k.contains("{") ? k.substring(0, k.indexOf('{')) : k));
    return names;
  }
}
