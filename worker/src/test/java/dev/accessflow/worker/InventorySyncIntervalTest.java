package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A change made in the IdP that no event hook reported reaches the inventory at the next sync (one interval, 3 s here). */
@ExtendWith(DropwizardExtensionsSupport.class)
class InventorySyncIntervalTest {
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(
      ConfigOverride.config("inventory.syncInterval", "PT3S"));

  private static JsonNode awaitFinding(Http http, String group, String login, Duration timeout) {
    return http.await("/v1/drift?open=true&group=" + group + "&user=" + login,
        r -> r.body().path("items").size() == 1, timeout).body().path("items").get(0);
  }

  @Test
  void aChangeNoHookReportedIsAFindingAfterTheNextSync() {
    Http http = new Http(APP.getLocalPort());
    // After the first sync (a member it lists is standing: there when accessflow first looked).
    http.await("/v1/inventory/groups", r -> !r.body().path("lastSync").path("finishedAt").isMissingNode()
        && !r.body().path("lastSync").path("finishedAt").isNull(), Duration.ofSeconds(30));
    long started = System.nanoTime();

    // Straight into the directory, as an admin would in Okta with no event hook set up.
    APP.<AccessflowApplication>getApplication().sandbox().changeOutOfBand("prod-vpn", "omar@example.com", true);

    JsonNode finding = awaitFinding(http, "prod-vpn", "omar@example.com", Duration.ofSeconds(30));
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("inventory: a change no hook reported became finding %s in %d ms (interval PT3S)%n",
        finding.path("findingId"), millis);
    assertThat(finding.path("kind").asText()).isEqualTo("out-of-band");
    assertThat(finding.path("detectedBy").asText()).startsWith("sync sync-");
  }
}
