package dev.accessflow.worker;

import dev.accessflow.ledger.LedgerDatabase;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded PostgreSQL ledger per test class: {@code @RegisterExtension static final
 * EmbeddedLedger database = new EmbeddedLedger();} starts it before the class and stops it after.
 */
final class EmbeddedLedger implements BeforeAllCallback, AfterAllCallback {
  private LedgerDatabase database;

  @Override
  public void beforeAll(ExtensionContext context) {
    database = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    database.close();
  }

  Jdbi jdbi() {
    return database.jdbi();
  }
}
