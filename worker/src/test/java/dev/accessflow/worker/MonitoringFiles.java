package dev.accessflow.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The shipped Grafana dashboard and Prometheus alert rules, read as their tools read them. */
final class MonitoringFiles {
  static final Path DASHBOARD = Path.of("../deploy/grafana/dashboards/accessflow.json");
  static final Path ALERTS = Path.of("../deploy/prometheus/alerts.yml");
  static final Path PROMETHEUS = Path.of("../deploy/prometheus/prometheus.yml");
  private static final Pattern SERIES = Pattern.compile("\\b((?:accessflow|temporal|jvm)_[a-z0-9_]+)\\b");

  private MonitoringFiles() {}

  static JsonNode dashboard() {
    return read(DASHBOARD, new ObjectMapper());
  }

  static JsonNode alerts() {
    return read(ALERTS, new ObjectMapper(new YAMLFactory()));
  }

  static JsonNode prometheus() {
    return read(PROMETHEUS, new ObjectMapper(new YAMLFactory()));
  }

  /** Every PromQL expression, keyed by where it is (panel title or alert name). */
  static Map<String, String> expressions() {
    Map<String, String> all = new LinkedHashMap<>();
    for (JsonNode panel : dashboard().path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        all.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
            target.path("expr").asText());
      }
    }
    for (JsonNode group : alerts().path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        all.put("alert " + rule.path("alert").asText(), rule.path("expr").asText());
      }
    }
    return all;
  }

  /** The series each expression reads, where the scrape has no such name (with the expression's place). */
  static List<String> unserved(PrometheusScrape scrape, java.util.Set<String> servedElsewhere) {
    List<String> missing = new ArrayList<>();
    expressions().forEach((where, expr) -> {
      Matcher m = SERIES.matcher(expr);
      while (m.find()) {
        String name = m.group(1);
        if (!scrape.names().contains(name) && !servedElsewhere.contains(name)) {
          missing.add(where + ": " + name);
        }
      }
    });
    return missing;
  }

  /** Every series name the expressions read. */
  static java.util.Set<String> referenced() {
    java.util.Set<String> names = new TreeSet<>();
    expressions().values().forEach(expr -> {
      Matcher m = SERIES.matcher(expr);
      while (m.find()) {
        names.add(m.group(1));
      }
    });
    return names;
  }

  private static JsonNode read(Path file, ObjectMapper mapper) {
    try {
      return mapper.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
