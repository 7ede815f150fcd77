package dev.accessflow.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an audit export offline (JSON Lines or CSV, as {@link AuditExport} writes them): every
 * row's hash over its content, the order of positions, and each row's link to the one before it.
 * Names the first row that was changed, removed or reordered.
 */
public final class AuditVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param ok true when every check passed
   * @param rows rows read
   * @param problem the first problem, naming the row by its line in the file and its position; null when ok
   * @param lastHash the hash of the last row (compare it with the live chain's head), null for an empty file
   */
  public record Result(boolean ok, long rows, String problem, long lastPosition, String lastHash) {}

  /**
   * @param filtered the export was filtered by request, requester or app: rows of other requests are
   *     expected to be missing, so a gap in positions is not reported (each row's own hash and the order still are)
   */
  public Result verify(Reader input, boolean filtered) throws IOException {
    BufferedReader reader = new BufferedReader(input);
    reader.mark(1);
    int first = reader.read();
    reader.reset();
    return first == '{' || first == -1 ? jsonl(reader, filtered) : csv(reader, filtered);
  }

  private Result jsonl(BufferedReader reader, boolean filtered) throws IOException {
    Check check = new Check(filtered);
    String line;
    long lineNo = 0;
    while ((line = reader.readLine()) != null) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      AuditRow row;
      try {
        JsonNode node = JSON.readTree(line);
        row = new AuditRow(node.path("position").asLong(), text(node, "requestId"), node.path("sequence").asLong(),
            instant(text(node, "at")), instant(text(node, "recordedAt")), text(node, "kind"), text(node, "status"),
            text(node, "text"), text(node, "requester"), text(node, "app"), text(node, "role"), text(node, "ticketKey"),
            text(node, "prevHash"), text(node, "hash"));
      } catch (IOException | RuntimeException e) {
        return check.fail("line " + lineNo + " is not an audit row: " + e.getMessage());
      }
      if (!check.next("line " + lineNo, row)) {
        return check.result();
      }
    }
    return check.result();
  }

  private Result csv(BufferedReader reader, boolean filtered) throws IOException {
    Check check = new Check(filtered);
    CsvRecords records = new CsvRecords(reader);
    List<String> header = records.next();
    if (header == null || !header.equals(AuditExport.COLUMNS)) {
      return check.fail("line 1 is not the audit export's header: expected " + String.join(",", AuditExport.COLUMNS));
    }
    List<String> f;
    while ((f = records.next()) != null) {
      String where = "line " + records.startLine;
      if (f.size() != AuditExport.COLUMNS.size()) {
        return check.fail(where + " has " + f.size() + " fields, not " + AuditExport.COLUMNS.size());
      }
      AuditRow row;
      try {
        row = new AuditRow(Long.parseLong(f.get(0)), f.get(1), Long.parseLong(f.get(2)), instant(f.get(3)),
            instant(f.get(4)), f.get(5), f.get(6), f.get(7), f.get(8), f.get(9), f.get(10),
            f.get(11).isEmpty() ? null : f.get(11), f.get(12), f.get(13));
      } catch (RuntimeException e) {
        return check.fail(where + " is not an audit row: " + e.getMessage());
      }
      if (!check.next(where, row)) {
        return check.result();
      }
    }
    return check.result();
  }

  /** The checks, row by row; stops at the first problem. */
  private static final class Check {
    private final boolean filtered;
    private AuditRow previous;
    private String previousWhere;
    private long rows;
    private String problem;
    private String gap;

    Check(boolean filtered) {
      this.filtered = filtered;
    }

    boolean next(String where, AuditRow row) {
      rows++;
      String named = where + " (position " + row.position() + ", request " + row.requestId() + " step " + row.sequence() + ")";
      if (previous != null && row.position() <= previous.position()) {
        problem = named + " is out of order: it comes after position " + previous.position()
            + " (rows were reordered)";
        return false;
      }
      if (previous != null && row.position() == previous.position() + 1 && !row.prevHash().equals(previous.hash())) {
        problem = previousWhere + " (position " + previous.position() + ") was changed or replaced: the next row's"
            + " prevHash does not match its hash";
        return false;
      }
      if (!AuditChain.hash(row).equals(row.hash())) {
        problem = named + " was changed: its hash does not match its content";
        return false;
      }
      if (row.position() == 1 && !AuditChain.GENESIS.equals(row.prevHash())) {
        problem = named + " is the chain's first row but does not follow the genesis hash";
        return false;
      }
      if (!filtered && gap == null && previous != null && row.position() > previous.position() + 1) {
        // Reported at the end unless a row turns up later out of order (then it was moved, not removed).
        long missing = row.position() - previous.position() - 1;
        gap = missing + " row(s) removed before " + named + ": positions " + (previous.position() + 1)
            + (missing > 1 ? " to " + (row.position() - 1) : "") + " are missing"
            + " (for an export filtered by request, requester or app, verify with --filtered)";
      }
      previous = row;
      previousWhere = where;
      return true;
    }

    Result fail(String why) {
      problem = why;
      return result();
    }

    Result result() {
      if (problem == null) {
        problem = gap;
      }
      return new Result(problem == null, rows, problem, previous == null ? 0 : previous.position(),
          previous == null ? null : previous.hash());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static Instant instant(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not an ISO-8601 instant");
    }
  }

  /** RFC 4180 records: quoted fields may hold commas, quotes and line breaks. */
  private static final class CsvRecords {
    private final Reader reader;
    private long line = 1;
    long startLine;

    CsvRecords(Reader reader) {
      this.reader = reader;
    }

    List<String> next() throws IOException {
      startLine = line;
      List<String> fields = new ArrayList<>();
      StringBuilder field = new StringBuilder();
      boolean quoted = false;
      boolean any = false;
      int c;
      while ((c = reader.read()) != -1) {
        any = true;
        if (quoted) {
          if (c == '"') {
            reader.mark(1);
            int n = reader.read();
            if (n == '"') {
              field.append('"');
            } else {
              quoted = false;
              if (n != -1) {
                reader.reset();
              }
            }
          } else {
            if (c == '\n') {
              line++;
            }
            field.append((char) c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          fields.add(field.toString());
          field.setLength(0);
        } else if (c == '\r') {
          // part of the CRLF that ends a record
        } else if (c == '\n') {
          line++;
          fields.add(field.toString());
          return fields;
        } else {
          field.append((char) c);
        }
      }
      if (!any) {
        return null;
      }
      fields.add(field.toString());
      return fields;
    }
  }
}
