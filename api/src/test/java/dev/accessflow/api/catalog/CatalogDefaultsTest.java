package dev.accessflow.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.StageTimings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The built-in defaults are data (defaults.yml), read under every catalog and overridden field by field. */
class CatalogDefaultsTest {
  private static final Path FILE = Path.of("catalog.yml");

  /** One app with a role of each tier that overrides nothing but its durations. */
  private static final String EVERY_TIER = """
      apps:
        grafana:
          owners: [omar@example.com]
          roles:
            low: {groups: [g1], risk: low, durations: [PT1H], maxDuration: PT1H}
            medium: {groups: [g2], risk: medium, durations: [PT1H], maxDuration: PT1H}
            high: {groups: [g3], risk: high, durations: [PT1H], maxDuration: PT1H}
            temporary-high: {groups: [g4], risk: temporary-high, durations: [PT1H], maxDuration: PT1H}
      """;

  private static CatalogRole role(Catalog catalog, String id) {
    return catalog.app("grafana").orElseThrow().role(id).orElseThrow();
  }

  @Test
  void eachTierGetsTheRouteAndFlagsOfTheDefaultsFile() {
    Catalog catalog = CatalogFile.parse(FILE, EVERY_TIER);
    assertThat(role(catalog, "low").route()).isEmpty();
    assertThat(role(catalog, "low").expiryRequired()).isFalse();
    assertThat(role(catalog, "low").selfExtend()).isTrue();
    assertThat(role(catalog, "medium").route()).singleElement().satisfies(stage -> {
      assertThat(stage.name()).isEqualTo("manager");
      assertThat(stage.requesterManager()).isTrue();
    });
    assertThat(role(catalog, "medium").expiryRequired()).isTrue();
    assertThat(role(catalog, "medium").selfExtend()).isFalse();
    for (String tier : new String[] {"high", "temporary-high"}) {
      assertThat(role(catalog, tier).route()).extracting(ApprovalStage::name, ApprovalStage::approvers)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("app owner", java.util.List.of("omar@example.com")));
      assertThat(role(catalog, tier).expiryRequired()).isTrue();
    }
    assertThat(role(catalog, "medium").route().get(0).timings())
        .isEqualTo(new StageTimings(Duration.ofHours(24), Duration.ofHours(48), null));
    assertThat(role(catalog, "low").expiringSoonLead()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void theHighTiersNeedAnOwnerAndTheMinimumDurationIsFiveMinutes() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, EVERY_TIER.replace("[omar@example.com]", "[]")))
        .hasMessageContaining("role 'high': a high risk role needs an app owner")
        .hasMessageContaining("role 'temporary-high': a temporary-high risk role needs an app owner");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, EVERY_TIER.replace("risk: low, durations: [PT1H]", "risk: low, durations: [PT4M]")))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'low', field 'durations': PT4M is under the catalog's"
            + " minimumDuration PT5M");
  }

  @Test
  void aTierTheCatalogGivesKeepsTheDefaultsOfTheFieldsItLeavesOut() {
    Catalog catalog = CatalogFile.parse(FILE, """
        tiers:
          high: {maxDuration: PT6H, durations: [PT1H, PT6H]}
          medium: {selfExtend: true}
        """ + EVERY_TIER.replace("{groups: [g3], risk: high, durations: [PT1H], maxDuration: PT1H}",
        "{groups: [g3], risk: high}"));
    CatalogRole high = role(catalog, "high");
    assertThat(high.durations()).containsExactly(Duration.ofHours(1), Duration.ofHours(6));
    assertThat(high.maxDuration()).isEqualTo(Duration.ofHours(6));
    assertThat(high.route()).extracting(ApprovalStage::name).containsExactly("app owner");
    assertThat(high.expiryRequired()).isTrue();
    assertThat(role(catalog, "medium").selfExtend()).isTrue();
    assertThat(role(catalog, "medium").route()).extracting(ApprovalStage::name).containsExactly("manager");
  }

  @Test
  void catalogTimingsReplaceTheDefaultsOneByOne() {
    Catalog catalog = CatalogFile.parse(FILE, """
        timings: {remindAfter: PT2H, reviewRemindAfter: PT30M}
        """ + EVERY_TIER.replace("low: {groups: [g1], risk: low, durations: [PT1H], maxDuration: PT1H}",
        "low: {groups: [g1], risk: low, durations: [PT1H], maxDuration: PT1H, breakGlass: {maxDuration: PT1H,"
            + " review: [{stage: owner review, approvers: [owners]}]}}"));
    assertThat(role(catalog, "medium").route().get(0).timings())
        .isEqualTo(new StageTimings(Duration.ofHours(2), Duration.ofHours(48), null));
    assertThat(role(catalog, "low").breakGlass().reviewTimings().remindAfter()).isEqualTo(Duration.ofMinutes(30));
    assertThat(role(catalog, "high").breakGlass()).isNull();
  }

  @Test
  void theDefaultsFileIsACatalogWithoutApps() {
    CatalogSpec defaults = CatalogFile.defaults();
    assertThat(defaults.apps()).isNull();
    assertThat(defaults.tiers()).containsOnlyKeys("low", "medium", "high", "temporary-high");
    assertThat(defaults.minimumDuration()).isEqualTo("PT5M");
  }
}
