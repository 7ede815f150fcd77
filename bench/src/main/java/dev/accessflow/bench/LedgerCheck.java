package dev.accessflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.accessflow.ledger.AuditVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads accessflow's PostgreSQL ledger after a run, over JDBC, and holds it to what the REST API
 * says: every created request has its row with the final status, every request's audit sequences
 * run 1..n without a gap, and the whole chain exported through {@code GET /v1/audit/events}
 * verifies. The counts must be zero; the export is timed.
 */
final class LedgerCheck {
  /** One request's row and audit trail as the ledger holds them. */
  record Held(String status, List<Long> sequences) {}

  private final String jdbcUrl;

  LedgerCheck(String jdbcUrl) {
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * Waits (up to {@code settle}) until the ledger agrees with the final states, since its last part
   * is written a moment after the workflow's, then reports.
   *
   * @param logs the run's directory, where the workers' logs are
   */
  Map<String, Object> check(List<Load.Sent> sent, Map<Integer, JsonNode> states, Api api, Duration settle, Path logs) {
    Map<String, Object> out = new LinkedHashMap<>();
    Instant deadline = Instant.now().plus(settle);
    Map<String, Held> held;
    Counts counts;
    try {
      do {
        held = read(sent);
        counts = compare(sent, states, held);
        if (counts.zero()) {
          break;
        }
        JavaProcess.pause(500);
      } while (Instant.now().isBefore(deadline));
    } catch (SQLException e) {
      out.put("failure", "could not read the ledger at " + jdbcUrl + ": " + e.getMessage());
      return Map.of("ledger", out);
    }
    out.put("requestsChecked", counts.checked);
    out.put("missingRows", counts.missing);
    out.put("statusMismatches", counts.mismatched);
    out.put("sequenceGaps", counts.gaps);
    out.put("examples", counts.examples);
    out.put("auditRowsPerRequest", Stats.of(held.values().stream().map(h -> h.sequences().size()).toList()));
    out.put("failedWriteAttempts", failedWriteAttempts(logs));
    out.putAll(export(api));
    return Map.of("ledger", out);
  }

  private static final Pattern RECOVERED = Pattern.compile("ledger: writes succeed again after (\\d+) failed attempt");

  /**
   * Ledger writes that failed and were retried, from the workers' logs: a worker says how many
   * when the database takes writes again. None of them is lost while the counts above are zero.
   */
  private static long failedWriteAttempts(Path logs) {
    long failed = 0;
    try (DirectoryStream<Path> workers = Files.newDirectoryStream(logs, "worker-*.log")) {
      for (Path log : workers) {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
          failed += lines.map(RECOVERED::matcher).filter(Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).sum();
        }
      }
    } catch (IOException | UncheckedIOException e) {
      return -1;
    }
    return failed;
  }

  /** True when the ledger part of a run's result has nothing to complain about. */
  static boolean clean(Object ledger) {
    if (!(ledger instanceof Map<?, ?> l) || l.containsKey("failure")) {
      return false;
    }
    return Integer.valueOf(0).equals(l.get("missingRows")) && Integer.valueOf(0).equals(l.get("statusMismatches"))
        && Integer.valueOf(0).equals(l.get("sequenceGaps")) && Boolean.TRUE.equals(l.get("chainVerified"));
  }

  private static final class Counts {
    int checked;
    int missing;
    int mismatched;
    int gaps;
    final List<String> examples = new ArrayList<>();

    boolean zero() {
      return missing == 0 && mismatched == 0 && gaps == 0;
    }

    void example(String line) {
      if (examples.size() < 5) {
        examples.add(line);
      }
    }
  }

  private static Counts compare(List<Load.Sent> sent, Map<Integer, JsonNode> states, Map<String, Held> held) {
    Counts c = new Counts();
    for (Load.Sent s : sent) {
      if (s.id == null || s.createStatus != 201) {
        continue;
      }
      c.checked++;
      Held h = held.get(s.id);
      if (h == null) {
        c.missing++;
        c.example("no ledger row for " + s.id);
        continue;
      }
      JsonNode state = states.get(s.n);
      String status = state == null ? null : state.path("status").asText();
      if (status != null && !status.equals(h.status())) {
        c.mismatched++;
        c.example(s.id + ": API says " + status + ", ledger says " + h.status());
      }
      for (int i = 0; i < h.sequences().size(); i++) {
        if (h.sequences().get(i) != i + 1) {
          c.gaps++;
          c.example(s.id + ": audit sequences " + h.sequences());
          break;
        }
      }
      if (h.sequences().isEmpty()) {
        c.gaps++;
        c.example(s.id + ": no audit rows");
      }
    }
    return c;
  }

  private Map<String, Held> read(List<Load.Sent> sent) throws SQLException {
    List<String> ids = sent.stream().map(s -> s.id).filter(java.util.Objects::nonNull).toList();
    Map<String, Held> held = new HashMap<>();
    try (Connection db = DriverManager.getConnection(jdbcUrl, "postgres", "")) {
      try (PreparedStatement q = db.prepareStatement("SELECT request_id, status FROM requests WHERE request_id = ANY (?)")) {
        q.setArray(1, db.createArrayOf("text", ids.toArray()));
        try (ResultSet rows = q.executeQuery()) {
          while (rows.next()) {
            held.put(rows.getString(1), new Held(rows.getString(2), new ArrayList<>()));
          }
        }
      }
      try (PreparedStatement q = db.prepareStatement(
          "SELECT request_id, sequence FROM audit_log WHERE request_id = ANY (?) ORDER BY request_id, sequence")) {
        q.setArray(1, db.createArrayOf("text", ids.toArray()));
        try (ResultSet rows = q.executeQuery()) {
          while (rows.next()) {
            Held h = held.get(rows.getString(1));
            if (h != null) {
              h.sequences().add(rows.getLong(2));
            }
          }
        }
      }
    }
    return held;
  }

  /** The whole chain through the REST export, timed, then verified offline as an auditor would. */
  private static Map<String, Object> export(Api api) {
    Map<String, Object> out = new LinkedHashMap<>();
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = api.exportAudit();
      out.put("exportMs", (System.nanoTime() - start) / 1_000_000.0);
      out.put("exportStatus", response.statusCode());
      out.put("exportBytes", response.body().length());
      AuditVerifier.Result result = new AuditVerifier().verify(new StringReader(response.body()), false);
      out.put("exportRows", result.rows());
      out.put("chainVerified", response.statusCode() == 200 && result.ok() && result.rows() > 0);
      if (!result.ok()) {
        out.put("chainProblem", result.problem());
      }
    } catch (IOException e) {
      out.put("chainVerified", false);
      out.put("chainProblem", "export failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.put("chainVerified", false);
    }
    return out;
  }
}
