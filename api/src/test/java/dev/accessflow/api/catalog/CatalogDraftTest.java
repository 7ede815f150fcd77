package dev.accessflow.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The draft catalog of catalog-discover: it loads as a catalog, and nothing in it is offered until approved. */
class CatalogDraftTest {
  private static final List<CatalogDraft.App> APPS = List.of(
      new CatalogDraft.App("0oaGRAFANA", "Grafana (prod)", "ACTIVE", List.of(
          new CatalogDraft.Group("00gVIEW", "grafana-viewers", "OKTA_GROUP"),
          new CatalogDraft.Group("00gADMIN", "Grafana \"Admins\"", "OKTA_GROUP"),
          new CatalogDraft.Group("00gAD", "AD: grafana", "APP_GROUP"))),
      new CatalogDraft.App("0oaGRAFANA2", "Grafana (prod)", "INACTIVE", List.of(
          new CatalogDraft.Group("00gOTHER", "grafana-viewers", "OKTA_GROUP"),
          new CatalogDraft.Group("00gOTHER2", "grafana-viewers", "OKTA_GROUP"))),
      new CatalogDraft.App("0oaEVERYONE", "Okta Dashboard", "ACTIVE", List.of(
          new CatalogDraft.Group("00gALL", "Everyone", "BUILT_IN"))));

  @Test
  void theDraftLoadsAsACatalogWithEveryAppUnapprovedAndNothingOffered() {
    String yaml = CatalogDraft.yaml("Okta https://acme.okta.com", Instant.parse("2026-12-02T10:00:00Z"), APPS);

    Catalog catalog = CatalogFile.parse(Path.of("draft.yml"), yaml);

    assertThat(catalog.apps().keySet()).containsExactly("grafana-prod", "grafana-prod-2");
    CatalogApp grafana = catalog.app("grafana-prod").orElseThrow();
    assertThat(grafana.name()).isEqualTo("Grafana (prod)");
    assertThat(grafana.approved()).isFalse();
    assertThat(grafana.roles().keySet()).containsExactly("grafana-viewers", "grafana-admins");
    assertThat(grafana.role("grafana-admins").orElseThrow().groups()).containsExactly("00gADMIN");
    assertThat(grafana.role("grafana-admins").orElseThrow().name()).isEqualTo("Grafana \"Admins\"");
    assertThat(catalog.app("grafana-prod-2").orElseThrow().roles().keySet())
        .containsExactly("grafana-viewers", "grafana-viewers-2");
    // Inventoried (its groups are the catalog's), offered nowhere.
    assertThat(catalog.groupIds()).containsExactlyInAnyOrder("00gVIEW", "00gADMIN", "00gOTHER", "00gOTHER2");
    assertThat(catalog.requestable().apps()).isEmpty();
  }

  @Test
  void groupsAccessflowCannotChangeAndAppsWithoutGroupsAreCommentsNotRoles() {
    String yaml = CatalogDraft.yaml("Okta https://acme.okta.com", Instant.parse("2026-12-02T10:00:00Z"), APPS);

    assertThat(yaml).contains("# group 00gAD \"AD: grafana\" (APP_GROUP): not offered")
        .contains("# okta-dashboard: no group accessflow could grant is assigned to it")
        .contains("# IdP app 0oaGRAFANA \"Grafana (prod)\", ACTIVE")
        .doesNotContain("00gALL\"]");
  }

  @Test
  void anAppApprovedWithOneRoleLeftUnapprovedOffersOnlyTheApprovedRole() {
    String yaml = CatalogDraft.yaml("x", Instant.EPOCH, APPS.subList(0, 1))
        .replace("approved: false", "approved: true")
        .replace("        groups: [\"00gADMIN\"]\n", "        groups: [\"00gADMIN\"]\n        approved: false\n");

    Catalog catalog = CatalogFile.parse(Path.of("draft.yml"), yaml);

    assertThat(catalog.requestable().app("grafana-prod").orElseThrow().roles().keySet())
        .containsExactly("grafana-viewers");
    assertThat(catalog.app("grafana-prod").orElseThrow().role("grafana-admins").orElseThrow().approved()).isFalse();
  }

  @Test
  void anUnapprovedAppOrRoleIsRefusedAtIntakeWithTheReason() {
    String yaml = CatalogDraft.yaml("x", Instant.EPOCH, APPS.subList(0, 1));
    Catalog unapproved = CatalogFile.parse(Path.of("draft.yml"), yaml);
    Catalog roleUnapproved = CatalogFile.parse(Path.of("draft.yml"), yaml.replace("approved: false", "approved: true")
        .replace("        groups: [\"00gADMIN\"]\n", "        groups: [\"00gADMIN\"]\n        approved: false\n"));
    java.util.function.BiFunction<Catalog, String, dev.accessflow.api.AccessRequestIntake.Ask> ask = (c, role) ->
        new dev.accessflow.api.AccessRequestIntake.Ask("r-1", "dana@example.com", "grafana-prod", role, "PT24H", "x",
            dev.accessflow.workflows.model.Channel.REST, null);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.accessflow.api.AccessRequestIntake(unapproved,
            java.time.Duration.ofHours(72)).toRequest(ask.apply(unapproved, "grafana-viewers")))
        .isInstanceOfSatisfying(dev.accessflow.api.ApiProblem.class, p -> {
          assertThat(p.field()).isEqualTo("app");
          assertThat(p.getMessage()).contains("not approved for requests yet");
        });
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new dev.accessflow.api.AccessRequestIntake(roleUnapproved,
            java.time.Duration.ofHours(72)).toRequest(ask.apply(roleUnapproved, "grafana-admins")))
        .isInstanceOfSatisfying(dev.accessflow.api.ApiProblem.class, p -> assertThat(p.field()).isEqualTo("role"));
    assertThat(new dev.accessflow.api.AccessRequestIntake(roleUnapproved, java.time.Duration.ofHours(72))
        .toRequest(ask.apply(roleUnapproved, "grafana-viewers")).groups()).containsExactly("00gVIEW");
  }

  @Test
  void idsAreSlugsOfTheLabels() {
    assertThat(CatalogDraft.slug("  AWS — Production / Admin!! ", "x")).isEqualTo("aws-production-admin");
    assertThat(CatalogDraft.slug("***", "app-0oa1")).isEqualTo("app-0oa1");
    assertThat(CatalogDraft.quoted("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\nd\"");
  }
}
