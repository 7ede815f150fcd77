package dev.accessflow.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;

/**
 * The audit log's hash chain. A row's hash is SHA-256 over a canonical JSON array of its fields
 * (timestamps in ISO-8601 at PostgreSQL's microsecond precision) followed by the previous row's
 * hash, so changing, removing or reordering any row breaks every hash after it.
 */
public final class AuditChain {
  /** The previous hash of the very first row. */
  public static final String GENESIS = "0".repeat(64);

  private static final ObjectMapper JSON = new ObjectMapper();

  private AuditChain() {}

  /** The hash a row must carry: over its content (not its own hash) and its prevHash. */
  public static String hash(AuditRow row) {
    Object[] content = {row.position(), row.requestId(), row.sequence(), instant(row.at()), instant(row.recordedAt()),
        row.kind(), row.status(), row.text(), row.requester(), row.app(), row.role(), row.ticketKey(), row.prevHash()};
    try {
      byte[] canonical = JSON.writeValueAsBytes(Arrays.asList(content));
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot hash an audit row: " + e.getMessage(), e);
    }
  }

  /** The same row carrying its hash. */
  public static AuditRow sealed(AuditRow row) {
    return new AuditRow(row.position(), row.requestId(), row.sequence(), row.at(), row.recordedAt(), row.kind(),
        row.status(), row.text(), row.requester(), row.app(), row.role(), row.ticketKey(), row.prevHash(), hash(row));
  }

  /** A timestamp as the database keeps it (microseconds), so a row hashes the same before and after storing. */
  public static Instant stored(Instant at) {
    return at == null ? null : at.truncatedTo(ChronoUnit.MICROS);
  }

  /** One step to append: its place in its own trail, when it happened, and what it says. */
  public record Step(long sequence, Instant at, String kind, String status, String text) {}

  /**
   * Appends the steps of one trail ({@code requestId}: a request, or a drift finding) that are not in
   * the chain yet, in order, under the chain's row lock, in the caller's transaction. A step already
   * there (same trail and sequence) is skipped, so a retried write appends nothing twice.
   */
  static void append(Handle handle, Instant now, String requestId, String requester, String app, String role,
      String ticketKey, List<Step> steps) {
    if (steps.isEmpty()) {
      return;
    }
    Map<String, Object> tail = handle.createQuery("SELECT position, hash FROM audit_chain WHERE id = 1 FOR UPDATE")
        .mapToMap().one();
    long position = ((Number) tail.get("position")).longValue();
    String prev = (String) tail.get("hash");
    Set<Long> present = new HashSet<>(handle.createQuery(
            "SELECT sequence FROM audit_log WHERE request_id = :id AND sequence = ANY(:sequences)")
        .bind("id", requestId).bind("sequences", steps.stream().map(Step::sequence).toArray(Long[]::new))
        .mapTo(Long.class).list());
    Instant recordedAt = stored(now);
    boolean appended = false;
    for (Step step : steps) {
      if (present.contains(step.sequence())) {
        continue;
      }
      AuditRow row = sealed(new AuditRow(++position, requestId, step.sequence(), stored(step.at()), recordedAt,
          step.kind(), step.status(), step.text(), requester, app, role, ticketKey, prev, null));
      handle.createUpdate("INSERT INTO audit_log (position, request_id, sequence, at, recorded_at, kind, status, text,"
              + " requester, app, role, ticket_key, prev_hash, hash) VALUES (:position, :id, :sequence, :at, :recorded,"
              + " :kind, :status, :text, :requester, :app, :role, :ticket, :prev, :hash)")
          .bind("position", row.position()).bind("id", requestId).bind("sequence", row.sequence())
          .bind("at", PostgresLedger.ts(row.at())).bind("recorded", PostgresLedger.ts(row.recordedAt()))
          .bind("kind", row.kind()).bind("status", row.status()).bind("text", row.text())
          .bind("requester", row.requester()).bind("app", row.app()).bind("role", row.role())
          .bind("ticket", row.ticketKey()).bind("prev", row.prevHash()).bind("hash", row.hash())
          .execute();
      prev = row.hash();
      appended = true;
    }
    if (appended) {
      handle.createUpdate("UPDATE audit_chain SET position = :position, hash = :hash WHERE id = 1")
          .bind("position", position).bind("hash", prev).execute();
    }
  }

  private static String instant(Instant at) {
    return at == null ? null : stored(at).toString();
  }
}
