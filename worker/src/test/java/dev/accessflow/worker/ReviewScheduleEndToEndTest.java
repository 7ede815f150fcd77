package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A recurring review from the catalog in the real process: the shipped catalog with
 * {@code review: {every: P90D}} on the sandbox app starts that app's review when the worker starts,
 * named for the app and the day, and it runs to its end.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class ReviewScheduleEndToEndTest {
  static final Path CATALOG = scheduledCatalog();
  static final DropwizardAppExtension<AccessflowConfiguration> APP = AccessflowApp.embedded(CATALOG);

  private static Path scheduledCatalog() {
    return AccessflowApp.shippedCatalogWith("    name: Sandbox demo (embedded mode only)\n",
        "    review: {every: P90D, dueIn: P14D, reviewers: owners, unreviewed: revoke}\n");
  }

  @Test
  void theCatalogsScheduleStartsTheAppsReviewOnceAndItRunsToItsEnd() {
    Http http = new Http(APP.getLocalPort());
    JsonNode reviews = http.await("/v1/reviews", r -> r.body().path("reviews").size() == 1, Duration.ofSeconds(30))
        .body().path("reviews");
    JsonNode review = reviews.get(0);
    assertThat(review.path("reviewId").asText()).matches("sched-sandbox-demo-\\d{8}T\\d{4}");
    assertThat(review.path("name").asText()).startsWith("Sandbox demo (embedded mode only) access review ");
    assertThat(review.path("apps").toString()).isEqualTo("[\"sandbox-demo\"]");
    assertThat(review.path("reviewers").asText()).isEqualTo("owners");
    assertThat(review.path("unreviewed").asText()).isEqualTo("revoke");
    assertThat(review.path("startedBy").asText()).isEqualTo("schedule");
    assertThat(Duration.between(java.time.Instant.parse(review.path("startedAt").asText()),
        java.time.Instant.parse(review.path("dueAt").asText()))).isEqualTo(Duration.ofDays(14));
    // Nobody holds the sandbox role: the campaign has nothing to review and closes, saying so.
    JsonNode closed = http.await("/v1/reviews/" + review.path("reviewId").asText(),
        r -> r.text("state").equals("closed"), Duration.ofSeconds(30)).body();
    assertThat(closed.path("outcome").asText()).isEqualTo("there was nothing to review: nobody held the access in scope");
    assertThat(http.get("/v1/reviews").body().path("reviews").size()).isEqualTo(1);
  }
}
