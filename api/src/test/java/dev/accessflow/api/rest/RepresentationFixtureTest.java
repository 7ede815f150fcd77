package dev.accessflow.api.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.StageTimings;
import dev.accessflow.workflows.model.Verdict;
import io.dropwizard.jackson.Jackson;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The REST representations, pinned: a change to what clients read shows up as a fixture diff. */
class RepresentationFixtureTest {
  private static final ObjectMapper JSON = Jackson.newObjectMapper()
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

  private static JsonNode fixture(String name) throws IOException {
    try (InputStream in = RepresentationFixtureTest.class.getResourceAsStream("/fixtures/" + name)) {
      return JSON.readTree(in);
    }
  }

  @Test
  void anActiveRequestReadsAsItsOwnRepresentationWithoutWorkflowInternals() throws IOException {
    ApprovalStage manager = new ApprovalStage("manager", List.of("maria@example.com"), 1, false, false, List.of(),
        StageTimings.DEFAULT);
    ApprovalStage owners = ApprovalStage.anyOf("app owner", List.of("omar@example.com"));
    AccessRequest request = new AccessRequest("r-42", "dana@example.com", "grafana", "admin",
        List.of("00g1", "00g2"), "high", Duration.ofHours(24), Duration.ofDays(7), "incident INC-42", Channel.SLACK,
        List.of(new ApprovalStage("manager", List.of(), 1, true, false, List.of(), StageTimings.DEFAULT), owners),
        Duration.ofHours(72), null, RequestPolicy.NONE, Map.of("00g1", "grafana-admins"), null);
    AccessRequestState state = new AccessRequestState(request, RequestStatus.ACTIVE, T0, 2,
        List.of(new RecordedDecision("slack-1", "maria@example.com", Verdict.APPROVE, Channel.SLACK, "ok", T0.plusSeconds(60),
                "manager"),
            new RecordedDecision("rest-2", "omar@example.com", Verdict.APPROVE, Channel.REST, null, T0.plusSeconds(120),
                "app owner")),
        "00u-dana", T0.plusSeconds(121), T0.plusSeconds(121).plus(Duration.ofHours(24)), null, null, null, "ACC-7",
        List.of(new ChatMessageRef("maria@example.com", "D1", "1.1")), null, 0, List.of(manager, owners), false);

    JsonNode view = JSON.valueToTree(RequestView.of(state));

    assertThat(view).isEqualTo(fixture("request-view-active.json"));
    assertThat(view.has("approverMessages")).isFalse();
    assertThat(view.has("stageIndex")).isFalse();
    assertThat(view.has("request")).isFalse();
  }

  @Test
  void theCreateAnswerNamesTheResolvedManagerAmongTheApprovers() throws IOException {
    List<ApprovalStage> resolved = List.of(
        new ApprovalStage("manager", List.of("maria@example.com"), 1, false, false, List.of(), StageTimings.DEFAULT),
        ApprovalStage.anyOf("app owner", List.of("omar@example.com", "maria@example.com")));

    JsonNode created = JSON.valueToTree(CreatedView.of("r-43", resolved));
    assertThat(created).isEqualTo(fixture("created.json"));
  }
}
