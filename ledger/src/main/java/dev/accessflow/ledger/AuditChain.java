package dev.accessflow.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;

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

  private static String instant(Instant at) {
    return at == null ? null : stored(at).toString();
  }
}
