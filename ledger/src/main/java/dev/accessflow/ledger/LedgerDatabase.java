package dev.accessflow.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's PostgreSQL: a server at a JDBC URL, or (no URL) a real PostgreSQL started in-process
 * for the embedded default and the tests. Migrations run before anything reads or writes it.
 */
public final class LedgerDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LedgerDatabase.class);

  /**
   * @param url JDBC URL of the server ({@code jdbc:postgresql://host:5432/accessflow}); blank starts an embedded one
   * @param embeddedPort port of the embedded server on loopback; 0 picks a free one
   * @param embeddedDirectory where the embedded server keeps its data; null for a temporary directory removed at stop
   */
  public record Settings(String url, String user, String password, int poolSize, Duration connectionTimeout,
      int embeddedPort, Path embeddedDirectory) {

    public boolean embedded() {
      return url == null || url.isBlank();
    }

    /** An embedded database on a free port in a temporary directory (tests). */
    public static Settings embeddedForTests() {
      return new Settings("", "", "", 4, Duration.ofSeconds(2), 0, null);
    }

    @Override
    public String toString() {
      return "Settings[url=" + url + ", user=" + user + ", password=***]";
    }
  }

  private final EmbeddedPostgres embedded;
  private final HikariDataSource dataSource;
  private final Jdbi jdbi;
  private final String where;

  private LedgerDatabase(EmbeddedPostgres embedded, HikariDataSource dataSource, String where) {
    this.embedded = embedded;
    this.dataSource = dataSource;
    this.jdbi = Jdbi.create(dataSource);
    this.where = where;
  }

  /** Connects (or starts the embedded server), and migrates the schema to the latest version. */
  public static LedgerDatabase start(Settings settings) {
    EmbeddedPostgres embedded = null;
    String url = settings.url();
    String user = settings.user();
    String password = settings.password();
    if (settings.embedded()) {
      long started = System.nanoTime();
      try {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(settings.embeddedPort());
        if (settings.embeddedDirectory() != null) {
          builder.setDataDirectory(settings.embeddedDirectory()).setCleanDataDirectory(false);
        }
        embedded = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("could not start the embedded PostgreSQL for the ledger: " + e.getMessage(), e);
      }
      url = embedded.getJdbcUrl("postgres", "postgres");
      user = "postgres";
      password = "";
      log.info("ledger: embedded PostgreSQL on 127.0.0.1:{} ({}), started in {} ms", embedded.getPort(),
          settings.embeddedDirectory() == null ? "in a temporary directory, gone at stop" : settings.embeddedDirectory(),
          (System.nanoTime() - started) / 1_000_000);
    }
    HikariConfig pool = new HikariConfig();
    pool.setJdbcUrl(url);
    pool.setUsername(user);
    pool.setPassword(password);
    pool.setMaximumPoolSize(Math.max(2, settings.poolSize()));
    pool.setPoolName("accessflow-ledger");
    // Short: a database that is down must fail a write quickly (the workflow retries it), not hold a notice.
    pool.setConnectionTimeout(Math.max(250, settings.connectionTimeout().toMillis()));
    // Start even when the server is not up yet: the health check says so, and writes wait in their retry lane.
    pool.setInitializationFailTimeout(-1);
    HikariDataSource dataSource = new HikariDataSource(pool);
    try {
      migrate(dataSource);
    } catch (RuntimeException e) {
      dataSource.close();
      if (embedded != null) {
        closeQuietly(embedded);
      }
      throw e;
    }
    return new LedgerDatabase(embedded, dataSource, embedded != null ? "embedded PostgreSQL :" + embedded.getPort() : url);
  }

  private static void migrate(DataSource dataSource) {
    MigrateResult result = Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/ledger")
        .table("ledger_schema_history")
        .load()
        .migrate();
    log.info("ledger: schema at version {} ({} migration(s) applied now)", result.targetSchemaVersion == null
        ? result.initialSchemaVersion : result.targetSchemaVersion, result.migrationsExecuted);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Where the ledger is, for logs and the health check (never the password). */
  public String where() {
    return where;
  }

  /** The embedded server, while it runs (tests stop it to play an outage); null for a server at a URL. */
  public EmbeddedPostgres embeddedServer() {
    return embedded;
  }

  @Override
  public void close() {
    dataSource.close();
    if (embedded != null) {
      closeQuietly(embedded);
    }
  }

  private static void closeQuietly(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException e) {
      log.warn("ledger: the embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
