package dev.accessflow.ledger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.accessflow.ledger.ReviewLedger.Campaign;
import dev.accessflow.ledger.ReviewLedger.Item;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * What an auditor receives for one review: every item with who held what and from where, the
 * recommendation, the decision (who, channel, when, comment) or what the unreviewed rule did, and
 * when the revocation was confirmed. CSV or JSON Lines, streamed one item at a time.
 */
public final class ReviewExport {
  public static final List<String> COLUMNS = List.of("reviewId", "reviewName", "itemId", "login", "displayName", "app",
      "role", "groups", "source", "requestId", "approvers", "expiresAt", "idpStatus", "lastLogin", "department",
      "title", "manager", "recommendation", "recommendationRule", "recommendationReason", "reviewers", "decision",
      "decidedBy", "decidedVia", "decidedAt", "comment", "unreviewedOutcome", "revocationState", "revokedAt",
      "revocationDetail");
  private static final JsonFactory JSON = new JsonFactory();

  private final ReviewLedger reviews;

  public ReviewExport(ReviewLedger reviews) {
    this.reviews = reviews;
  }

  /** Writes every item of the campaign; returns how many. */
  public long write(Campaign c, AuditExport.Format format, OutputStream out) throws IOException {
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
    long[] count = {0};
    if (format == AuditExport.Format.CSV) {
      writer.write(String.join(",", COLUMNS));
      writer.write("\r\n");
    }
    JsonGenerator json = format == AuditExport.Format.JSONL ? JSON.createGenerator(writer) : null;
    try {
      reviews.forEachItem(c.reviewId(), item -> {
        try {
          String[] fields = fields(c, item);
          if (json != null) {
            json.writeStartObject();
            for (int i = 0; i < fields.length; i++) {
              json.writeStringField(COLUMNS.get(i), fields[i]);
            }
            json.writeEndObject();
            json.writeRaw('\n');
          } else {
            AuditExport.writeCsv(writer, fields);
          }
          count[0]++;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (json != null) {
      json.flush();
    }
    writer.flush();
    return count[0];
  }

  private static String[] fields(Campaign c, Item i) {
    return new String[] {c.reviewId(), c.name(), Long.toString(i.itemId()), i.login(), i.displayName(), i.app(),
        i.role(), String.join(" ", i.groups()), i.source(), i.requestId(), i.approvers(), text(i.expiresAt()),
        i.status(), text(i.lastLogin()), i.department(), i.title(), i.manager(), i.recommendation(),
        i.recommendedBy(), i.recommendationReason(), String.join(" ", i.reviewers()), i.decision(), i.decidedBy(),
        i.decidedVia(), text(i.decidedAt()), i.comment(), i.unreviewedOutcome(), i.revocationState(),
        text(i.revokedAt()), i.revocationDetail()};
  }

  private static String text(Instant at) {
    return at == null ? null : at.toString();
  }
}
