package dev.accessflow.api.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.model.view.ViewState;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.workflows.model.Channel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The /access modal against the shipped catalog. */
class RequestModalTest {
  private final Catalog catalog = CatalogFile.load(Path.of("../config/catalog.yml"));
  private final RequestModal modal = new RequestModal(catalog);

  @Test
  void aRoleWhoseRouteOnlyTheRequesterCouldApproveIsNotOffered() {
    // aws-prod / deploy: stage 'app owner' names only omar and has no escalateTo people.
    String forOmar = modal.view("omar@example.com").toString();
    assertThat(forOmar).doesNotContain("aws-prod/deploy").contains("figma/editor", "sandbox-demo/reader", "grafana/viewer");
    assertThat(modal.allows("omar@example.com", "aws-prod", "deploy")).isFalse();
    // grafana / admin: omar is its only owner, but the stage escalates to the security group.
    assertThat(modal.allows("omar@example.com", "grafana", "admin")).isTrue();
    // Two approvers: the other one can still approve.
    assertThat(modal.allows("omar@example.com", "sandbox-demo", "reader")).isTrue();
    assertThat(modal.view("dana@example.com").toString()).contains("aws-prod/deploy", "grafana/admin");
  }

  @Test
  void choosingARoleOffersOnlyItsDurations() {
    var view = modal.view("dana@example.com", "grafana/admin");
    var durations = ((com.slack.api.model.block.InputBlock) view.getBlocks().get(2));
    assertThat(durations.getBlockId()).isEqualTo("duration:grafana/admin");
    assertThat(((com.slack.api.model.block.element.StaticSelectElement) durations.getElement()).getOptions())
        .extracting(o -> o.getValue()).containsExactly("PT1H", "PT6H", "PT24H");
  }

  @Test
  void aSubmissionReadsTheRenamedDurationBlockAndNamesItForErrors() {
    ViewState state = new ViewState();
    ViewState.Value role = new ViewState.Value();
    ViewState.SelectedOption roleOption = new ViewState.SelectedOption();
    roleOption.setValue("grafana/admin");
    role.setSelectedOption(roleOption);
    ViewState.Value duration = new ViewState.Value();
    ViewState.SelectedOption durationOption = new ViewState.SelectedOption();
    durationOption.setValue("PT6H");
    duration.setSelectedOption(durationOption);
    ViewState.Value reason = new ViewState.Value();
    reason.setValue("incident");
    state.setValues(Map.of("role", Map.of("access_role", role), "duration:grafana/admin", Map.of("access_duration", duration),
        "reason", Map.of("access_reason", reason)));

    var ask = RequestModal.ask("REQ-1", "dana@example.com", state);
    assertThat(ask.app()).isEqualTo("grafana");
    assertThat(ask.role()).isEqualTo("admin");
    assertThat(ask.duration()).isEqualTo("PT6H");
    assertThat(ask.reason()).isEqualTo("incident");
    assertThat(ask.source()).isEqualTo(Channel.SLACK);
    assertThat(RequestModal.blockFor("duration", state)).isEqualTo("duration:grafana/admin");
    assertThat(RequestModal.blockFor("reason", state)).isEqualTo("reason");
    assertThat(RequestModal.blockFor("app", state)).isEqualTo("role");
  }
}
