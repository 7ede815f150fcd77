package dev.accessflow.worker;

import dev.accessflow.ledger.AuditVerifier;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code java -jar accessflow.jar audit-verify FILE}: checks an audit export offline, without a
 * database or a configuration, and names the first row that was changed, removed or reordered.
 * Exit code 0 when the export is intact, 1 when it is not, 2 when the file cannot be read.
 */
public final class AuditVerifyCommand extends Command {

  public AuditVerifyCommand() {
    super("audit-verify", "Checks an audit export (JSON Lines or CSV from GET /v1/audit/events) against its hash chain");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("file").help("the export to check");
    subparser.addArgument("--filtered").action(net.sourceforge.argparse4j.impl.Arguments.storeTrue())
        .help("the export was filtered by request, requester or app: rows of other requests are missing on purpose");
  }

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) {
    int code = verify(Path.of(namespace.getString("file")), Boolean.TRUE.equals(namespace.getBoolean("filtered")),
        System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Checks the file, prints the outcome, and returns the exit code. */
  static int verify(Path file, boolean filtered, PrintStream out, PrintStream err) {
    AuditVerifier.Result result;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      result = new AuditVerifier().verify(reader, filtered);
    } catch (IOException e) {
      err.println("audit-verify: cannot read " + file + ": " + e.getMessage());
      return 2;
    }
    if (!result.ok()) {
      err.println("audit-verify: " + file + " FAILED after " + result.rows() + " row(s): " + result.problem());
      return 1;
    }
    out.println("audit-verify: " + file + " OK: " + result.rows() + " row(s), chain intact"
        + (result.lastHash() == null ? "" : "; last position " + result.lastPosition() + ", hash " + result.lastHash()));
    return 0;
  }
}
