package dev.accessflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.health.HealthCheck;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.ledger.LedgerQueries;
import org.junit.jupiter.api.Test;

/** The ledger's health check on a real embedded PostgreSQL: answering, a chain head that moved, and down. */
class LedgerHealthCheckTest {

  @Test
  void healthyNamesTheHeadUnhealthyWhenTheLogNoLongerEndsThereOrTheDatabaseIsGone() {
    LedgerDatabase database = LedgerDatabase.start(LedgerDatabase.Settings.embeddedForTests());
    LedgerHealthCheck check = new LedgerHealthCheck(new LedgerQueries(database.jdbi()), "embedded");
    try {
      HealthCheck.Result fresh = check.execute();
      assertThat(fresh.isHealthy()).isTrue();
      assertThat(fresh.getMessage()).isEqualTo("ledger at embedded answers; audit chain at position 0, hash " + "0".repeat(64));

      database.jdbi().useHandle(h -> h.execute("UPDATE audit_chain SET position = 7"));
      HealthCheck.Result moved = check.execute();
      assertThat(moved.isHealthy()).isFalse();
      assertThat(moved.getMessage()).contains("the audit log ends at position 0 but its chain's head is position 7")
          .contains("audit-verify");
    } finally {
      database.close();
    }

    HealthCheck.Result down = check.execute();
    assertThat(down.isHealthy()).isFalse();
    assertThat(down.getMessage()).startsWith("ledger at embedded does not answer");
  }
}
