package dev.accessflow.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.model.LedgerPart;
import dev.accessflow.workflows.testing.AccessRequests;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Ledger throughput on this machine: writes per second through {@link PostgresLedger} and an export
 * of 100,000 audit rows (issue 14's target: under 5 s on 2 cores), then verified. Prints numbers;
 * run with {@code mvn -B -o test -pl workflows,ledger -Dtest=AuditExportBenchmark
 * -Dsurefire.excludedGroups=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("benchmark")
class AuditExportBenchmark {
  private static final int REQUESTS = 20_000; // five audit rows each

  @Test
  void exportsAHundredThousandRowsAndVerifiesThem() throws Exception {
    try (LedgerDatabase database = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests())) {
      PostgresLedger ledger = new PostgresLedger(database.jdbi(), "sandbox", Clock.systemUTC());
      long writeStart = System.nanoTime();
      int parts = 0;
      for (int i = 0; i < REQUESTS; i++) {
        String id = "b" + i;
        for (LedgerPart part : LedgerFixtures.lifeOf(id, AccessRequests.REQUESTER, LedgerFixtures.T0.plusSeconds(i))) {
          ledger.record(id, part);
          parts++;
        }
      }
      double writeSeconds = (System.nanoTime() - writeStart) / 1e9;

      AuditExport export = new AuditExport(database.dataSource());
      for (AuditExport.Format format : List.of(AuditExport.Format.JSONL, AuditExport.Format.CSV)) {
        long start = System.nanoTime();
        CountingStream out = new CountingStream();
        long rows = export.write(new AuditExport.Filter(null, null, null, null, null), format, out);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("ledger export %s: %,d rows, %.1f MB in %.2f s (%,.0f rows/s)%n", format, rows,
            out.bytes / 1e6, seconds, rows / seconds);
        assertThat(rows).isEqualTo(REQUESTS * 5L);
      }

      // Export straight into the verifier, as an auditor's pipe would.
      PipedInputStream in = new PipedInputStream(1 << 20);
      PipedOutputStream pipe = new PipedOutputStream(in);
      long start = System.nanoTime();
      CompletableFuture<Long> writing = CompletableFuture.supplyAsync(() -> {
        try (pipe) {
          return export.write(new AuditExport.Filter(null, null, null, null, null), AuditExport.Format.JSONL, pipe);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      AuditVerifier.Result result = new AuditVerifier().verify(new InputStreamReader(in, StandardCharsets.UTF_8), false);
      writing.join();
      double verifySeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("ledger writes: %,d parts (%,d requests) in %.1f s (%,.0f parts/s, one transaction each)%n",
          parts, REQUESTS, writeSeconds, parts / writeSeconds);
      System.out.printf("ledger export + audit-verify of %,d rows: %.2f s, %s%n", result.rows(), verifySeconds,
          result.ok() ? "intact" : result.problem());
      assertThat(result.ok()).as(result.problem()).isTrue();
    }
  }

  private static final class CountingStream extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
