package dev.accessflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the harness from rotting: the real jar as separate JVMs, a few dozen requests, one worker
 * SIGKILL under load, and the must-be-zero counts, the ledger's among them (every request's row and
 * audit trail complete despite the kill, the exported chain intact). The full runs stay manual (README).
 */
class BenchSmokeTest {

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void aWorkerKilledUnderLoadLosesLeaksDoublesNothingAndTheLedgerKeepsEveryRow() throws Exception {
    Path jar = Path.of(System.getProperty("accessflow.jar", "../worker/target/accessflow.jar"));
    assertTrue(Files.exists(jar), "build the worker jar first: " + jar);
    Bench.Options options = Bench.Options.parse("--scenario", "kill-worker", "--count", "30", "--rate", "10",
        "--durations", "5-8", "--kills", "1", "--history-sample", "5", "--jar", jar.toString(),
        "--out", "target/smoke/bench-smoke.json");

    Map<String, Object> report = Bench.run(options);

    @SuppressWarnings("unchecked")
    Map<String, Object> run = (Map<String, Object>) report.get("kill-worker");
    assertEquals(Map.of("lost", 0, "leaked", 0, "doubled", 0, "wrong", 0), run.get("counts"), () -> "report: " + run);
    assertEquals(List.of(), run.get("examples"));
    assertEquals(0L, run.get("createErrors"));
    assertTrue(LedgerCheck.clean(run.get("ledger")), () -> "ledger: " + run.get("ledger"));
    assertTrue(Files.exists(Path.of("target/smoke/bench-smoke.json")));
  }
}
