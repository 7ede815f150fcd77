package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.ledger.AuditChain;
import dev.accessflow.ledger.AuditRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar accessflow.jar audit-verify FILE}: what it prints and the exit code it returns. */
class AuditVerifyCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** A chain of three rows, as JSON Lines. */
  private static List<String> chain() {
    List<String> lines = new ArrayList<>();
    String prev = AuditChain.GENESIS;
    for (int i = 1; i <= 3; i++) {
      AuditRow row = AuditChain.sealed(new AuditRow(i, "REQ-1", i, Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i),
          Instant.parse("2026-12-01T10:00:00Z").plusSeconds(i), "SUBMITTED", "SUBMITTED", "step " + i, "dana@example.com",
          "grafana", "admin", null, prev, null));
      lines.add("{\"position\":" + i + ",\"requestId\":\"REQ-1\",\"sequence\":" + i + ",\"at\":\"" + row.at()
          + "\",\"recordedAt\":\"" + row.recordedAt() + "\",\"kind\":\"SUBMITTED\",\"status\":\"SUBMITTED\",\"text\":\"step " + i
          + "\",\"requester\":\"dana@example.com\",\"app\":\"grafana\",\"role\":\"admin\",\"ticketKey\":null,\"prevHash\":\""
          + prev + "\",\"hash\":\"" + row.hash() + "\"}");
      prev = row.hash();
    }
    return lines;
  }

  private int verify(List<String> lines) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Files.write(file, lines);
    return AuditVerifyCommand.verify(file, false, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void anIntactExportExitsZeroAndSaysHowFarTheChainGoes() throws Exception {
    assertThat(verify(chain())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK: 3 row(s), chain intact; last position 3, hash ");
  }

  @Test
  void anEditedExportExitsOneAndNamesTheRow() throws Exception {
    List<String> lines = chain();
    lines.set(1, lines.get(1).replace("step 2", "step two"));

    assertThat(verify(lines)).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("FAILED after 2 row(s): line 2 (position 2, request REQ-1 step 2) was changed");
  }

  @Test
  void aFileThatCannotBeReadExitsTwo() {
    int code = AuditVerifyCommand.verify(dir.resolve("missing.jsonl"), false,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot read");
  }

  @Test
  void theCommandIsRegisteredOnTheApplication() throws Exception {
    Path file = dir.resolve("ok.jsonl");
    Files.write(file, chain());
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      new AccessflowApplication().run("audit-verify", file.toString());
    } finally {
      System.setOut(stdout);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8)).contains("OK: 3 row(s), chain intact");
  }
}
