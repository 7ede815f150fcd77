package dev.accessflow.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatalogFileTest {
  private static final Path FILE = Path.of("catalog.yml");

  private static final String GOOD = """
      apps:
        grafana:
          name: Grafana
          owners: [omar@example.com]
          roles:
            admin:
              groups: [00g-admins]
              risk: high
              approvers: [omar@example.com]
              durations: [PT1H, PT6H, PT24H]
              maxDuration: PT24H
            viewer:
              groups: [00g-viewers]
              risk: low
              durations: [P7D]
              maxDuration: P7D
      """;

  @Test
  void shippedExampleCatalogIsValid() {
    Catalog catalog = CatalogFile.load(Path.of("../config/catalog.yml"));
    assertThat(catalog.apps()).containsKeys("grafana", "aws-prod", "figma", "sandbox-demo");
  }

  @Test
  void validCatalogKeepsOrderAndValues() {
    Catalog catalog = CatalogFile.parse(FILE, GOOD);
    CatalogRole admin = catalog.app("grafana").orElseThrow().role("admin").orElseThrow();
    assertThat(admin.durations()).containsExactly(Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(24));
    assertThat(admin.risk()).isEqualTo(RiskTier.HIGH);
    assertThat(catalog.app("grafana").orElseThrow().roles().keySet()).containsExactly("admin", "viewer");
    assertThat(catalog.groupIds()).containsExactly("00g-admins", "00g-viewers");
  }

  @Test
  void durationOverTheMaximumNamesFileAppRoleAndField() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, GOOD.replace("[PT1H, PT6H, PT24H]", "[PT1H, P7D]")))
        .isInstanceOf(CatalogException.class)
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'durations': PT168H is over the role's maxDuration PT24H");
  }

  @Test
  void highRiskRoleWithoutApproversIsRefused() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, GOOD.replace("approvers: [omar@example.com]", "approvers: []")))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'approvers': a high risk role needs at least one"
            + " approver (only low risk roles are approved automatically)");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String bad = GOOD.replace("risk: high", "risk: extreme").replace("[00g-viewers]", "[]").replace("P7D]", "seven days]");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, bad))
        .hasMessageContaining("role 'admin', field 'risk': 'extreme' is not one of low, medium, high, temporary-high")
        .hasMessageContaining("role 'viewer', field 'groups': must name at least one IdP group id")
        .hasMessageContaining("role 'viewer', field 'durations': 'seven days' is not an ISO-8601 duration");
  }

  @Test
  void missingMaxDurationAndBadApproverAreNamed() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, GOOD.replace("      maxDuration: PT24H\n", "\n")
        .replace("approvers: [omar@example.com]", "approvers: [omar]")))
        .hasMessageContaining("role 'admin', field 'maxDuration': required")
        .hasMessageContaining("role 'admin', field 'approvers': 'omar' is not an IdP login");
  }

  @Test
  void tooShortDurationNeedsALowerCatalogMinimum() {
    String shortGrant = GOOD.replace("[PT1H, PT6H, PT24H]", "[PT10S]");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, shortGrant))
        .hasMessageContaining("field 'durations': PT10S is under the catalog's minimumDuration PT5M");
    assertThat(CatalogFile.parse(FILE, "minimumDuration: PT5S\n" + shortGrant).apps()).hasSize(1);
  }

  @Test
  void unreadableFileAndBadYamlAreNamed() {
    assertThatThrownBy(() -> CatalogFile.load(Path.of("does-not-exist.yml")))
        .hasMessageStartingWith("catalog does-not-exist.yml: cannot be read");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, "apps: [unclosed"))
        .hasMessageStartingWith("catalog catalog.yml: not valid YAML");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, "apps: {}"))
        .hasMessage("catalog catalog.yml: field 'apps' must list at least one app");
  }

  @Test
  void aMisspelledFieldIsNamedWithTheFieldsThatBelongThere() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, GOOD.replace("maxDuration: PT24H", "maxDuraton: PT24H")))
        .isInstanceOf(CatalogException.class)
        .hasMessageStartingWith("catalog catalog.yml, app 'grafana', role 'admin': unknown field 'maxDuraton' (known here: ")
        .hasMessageContaining("maxDuration");
  }

  @Test
  void aRoleGivenTwiceIsRefusedNotSilentlyReplaced() {
    String twice = GOOD.replace("      viewer:", "      admin:");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, twice))
        .hasMessage("catalog catalog.yml, line 12: 'admin' is given twice in one mapping");
  }

  @Test
  void aValueOfTheWrongShapeIsNamedByItsPlace() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, GOOD.replace("groups: [00g-admins]", "groups: 00g-admins")))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'groups': must be a list");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, GOOD.replace("approvers: [omar@example.com]", "route: [security]")))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'route', stage 1: must be a mapping");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, GOOD.replace("approvers: [omar@example.com]", "route: {a: b}")))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'route': must be a route name or a list of stages");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, "just text"))
        .hasMessage("catalog catalog.yml: must be a mapping with a top-level 'apps' key");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, ""))
        .hasMessage("catalog catalog.yml: must be a mapping with a top-level 'apps' key");
  }
}
