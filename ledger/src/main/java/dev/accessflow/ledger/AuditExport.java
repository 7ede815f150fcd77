package dev.accessflow.ledger;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Streams the audit log in chain order, as JSON Lines or CSV, each row with its hashes: what an
 * auditor takes away and checks offline with {@code audit-verify}. Rows are read through a
 * server-side cursor and written as they come, so an export of any size holds one page in memory.
 */
public final class AuditExport {
  /** The columns of a row, in export order (the CSV header). */
  public static final List<String> COLUMNS = List.of("position", "requestId", "sequence", "at", "recordedAt", "kind",
      "status", "text", "requester", "app", "role", "ticketKey", "prevHash", "hash");

  public enum Format {
    JSONL("application/x-ndjson"), CSV("text/csv");

    public final String mediaType;

    Format(String mediaType) {
      this.mediaType = mediaType;
    }

    /** The format by its name, or an IllegalArgumentException naming the ones there are. */
    public static Format named(String name) {
      try {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("format must be jsonl or csv, not '" + name + "'");
      }
    }
  }

  /** Which rows; null fields do not filter. from/to bound the step's time, [from, to). */
  public record Filter(Instant from, Instant to, String requestId, String requester, String app) {
    /** True when every row of the chain in the time range is in the export (so a gap is a removed row). */
    public boolean wholeChain() {
      return requestId == null && requester == null && app == null;
    }
  }

  private static final JsonFactory JSON = new JsonFactory();
  private final DataSource dataSource;

  public AuditExport(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Writes every row the filter selects; returns how many. */
  public long write(Filter filter, Format format, OutputStream out) throws IOException {
    StringBuilder sql = new StringBuilder("SELECT position, request_id, sequence, at, recorded_at, kind, status, text,"
        + " requester, app, role, ticket_key, prev_hash, hash FROM audit_log WHERE true");
    List<Object> args = new ArrayList<>();
    if (filter.from() != null) {
      sql.append(" AND at >= ?");
      args.add(PostgresLedger.ts(filter.from()));
    }
    if (filter.to() != null) {
      sql.append(" AND at < ?");
      args.add(PostgresLedger.ts(filter.to()));
    }
    if (filter.requestId() != null) {
      sql.append(" AND request_id = ?");
      args.add(filter.requestId());
    }
    if (filter.requester() != null) {
      sql.append(" AND lower(requester) = lower(?)");
      args.add(filter.requester());
    }
    if (filter.app() != null) {
      sql.append(" AND app = ?");
      args.add(filter.app());
    }
    sql.append(" ORDER BY position");
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false); // PostgreSQL streams with a cursor only inside a transaction
      connection.setReadOnly(true);
      try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
        statement.setFetchSize(2000);
        for (int i = 0; i < args.size(); i++) {
          statement.setObject(i + 1, args.get(i));
        }
        try (ResultSet rs = statement.executeQuery()) {
          long count = format == Format.JSONL ? jsonl(rs, out) : csv(rs, out);
          connection.commit();
          return count;
        }
      }
    } catch (SQLException e) {
      throw new UncheckedIOException(new IOException("the audit log could not be read: " + e.getMessage(), e));
    }
  }

  private static AuditRow row(ResultSet rs) throws SQLException {
    return new AuditRow(rs.getLong(1), rs.getString(2), rs.getLong(3), LedgerQueries.instant(rs, "at"),
        LedgerQueries.instant(rs, "recorded_at"), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
        rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14));
  }

  private static long jsonl(ResultSet rs, OutputStream out) throws SQLException, IOException {
    long count = 0;
    JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8);
    json.setRootValueSeparator(null);
    while (rs.next()) {
      writeJson(json, row(rs));
      json.writeRaw('\n');
      count++;
    }
    json.flush();
    return count;
  }

  /** One row as one JSON object, fields in {@link #COLUMNS} order. */
  static void writeJson(JsonGenerator json, AuditRow row) throws IOException {
    json.writeStartObject();
    json.writeNumberField("position", row.position());
    json.writeStringField("requestId", row.requestId());
    json.writeNumberField("sequence", row.sequence());
    json.writeStringField("at", row.at().toString());
    json.writeStringField("recordedAt", row.recordedAt().toString());
    json.writeStringField("kind", row.kind());
    json.writeStringField("status", row.status());
    json.writeStringField("text", row.text());
    json.writeStringField("requester", row.requester());
    json.writeStringField("app", row.app());
    json.writeStringField("role", row.role());
    json.writeStringField("ticketKey", row.ticketKey());
    json.writeStringField("prevHash", row.prevHash());
    json.writeStringField("hash", row.hash());
    json.writeEndObject();
  }

  private static long csv(ResultSet rs, OutputStream out) throws SQLException, IOException {
    long count = 0;
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    writer.write(String.join(",", COLUMNS));
    writer.write("\r\n");
    while (rs.next()) {
      writeCsv(writer, row(rs));
      count++;
    }
    writer.flush();
    return count;
  }

  /** One row as an RFC 4180 record (a field with a comma, quote or line break is quoted). */
  static void writeCsv(Writer writer, AuditRow row) throws IOException {
    String[] fields = {Long.toString(row.position()), row.requestId(), Long.toString(row.sequence()),
        row.at().toString(), row.recordedAt().toString(), row.kind(), row.status(), row.text(), row.requester(),
        row.app(), row.role(), row.ticketKey(), row.prevHash(), row.hash()};
    writeCsv(writer, fields);
  }

  /** One record of RFC 4180 fields (a field with a comma, quote or line break is quoted); null is empty. */
  static void writeCsv(Writer writer, String[] fields) throws IOException {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        writer.write(',');
      }
      String field = fields[i] == null ? "" : fields[i];
      if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
        writer.write('"');
        writer.write(field.replace("\"", "\"\""));
        writer.write('"');
      } else {
        writer.write(field);
      }
    }
    writer.write("\r\n");
  }
}
