package dev.accessflow.worker;

import ch.qos.logback.classic.Level;
import dev.accessflow.ledger.LedgerDatabase;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * The ledger's embedded PostgreSQL as its own process, migrated, on 127.0.0.1: for the benchmark
 * harness, whose API and worker replicas must share one ledger as they would share a server:
 * {@code java -cp accessflow.jar dev.accessflow.worker.LedgerServerMain PORT [DIR]}. Its data lives in
 * DIR (kept, so the harness can stop and start it again to play an outage), else in a temporary
 * directory removed when the process stops.
 */
public final class LedgerServerMain {
  private LedgerServerMain() {}

  public static void main(String[] args) throws Exception {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.INFO);
    int port = Integer.parseInt(args[0]);
    java.nio.file.Path directory = args.length > 1 ? java.nio.file.Path.of(args[1]) : null;
    LedgerDatabase database = LedgerDatabase.start(new LedgerDatabase.Settings("", "", "", 2, Duration.ofSeconds(5), port,
        directory));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      database.close();
      stopped.countDown();
    }));
    System.out.println("ledger PostgreSQL listening on 127.0.0.1:" + port + " (jdbc:postgresql://127.0.0.1:" + port
        + "/postgres, user postgres)");
    System.out.flush();
    stopped.await();
  }
}
