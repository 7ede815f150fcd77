package dev.accessflow.api.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.ReclaimPolicy;
import dev.accessflow.workflows.model.StageTimings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy model of the catalog: tiers, routes, approver kinds, timings, auto-approval, break-glass. */
class CatalogPolicyTest {
  private static final Path FILE = Path.of("catalog.yml");
  private static final Catalog SHIPPED = CatalogFile.load(Path.of("../config/catalog.yml"));

  private static CatalogRole shipped(String app, String role) {
    return SHIPPED.app(app).orElseThrow().role(role).orElseThrow();
  }

  @Test
  void standardAppIsTheManagerOrAutoApproval() {
    CatalogRole viewer = shipped("grafana", "viewer");
    assertThat(viewer.route()).singleElement().satisfies(stage -> {
      assertThat(stage.name()).isEqualTo("manager");
      assertThat(stage.requesterManager()).isTrue();
      assertThat(stage.approvers()).isEmpty();
      assertThat(stage.escalateTo()).containsExactly("sam@example.com");
      assertThat(stage.timings()).isEqualTo(new StageTimings(Duration.ofHours(24), Duration.ofHours(48), Duration.ofHours(72)));
    });
    assertThat(viewer.autoApprove()).isEqualTo(new AutoApproval(List.of("engineering"), 3));
    assertThat(viewer.expiryRequired()).isFalse();
    assertThat(viewer.selfExtend()).isTrue();
    assertThat(viewer.expiringSoonLead()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void paidLicenceIsTheManagerThenTheBudgetOwner() {
    assertThat(shipped("figma", "editor").route()).extracting(ApprovalStage::name, ApprovalStage::approvers,
            ApprovalStage::requesterManager)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("manager", List.of(), true),
            org.assertj.core.groups.Tuple.tuple("budget owner", List.of("bea@example.com"), false));
  }

  @Test
  void adminIsTheAppOwnerWithTheHighTierDurations() {
    CatalogRole admin = shipped("grafana", "admin");
    assertThat(admin.route()).singleElement().satisfies(stage -> {
      assertThat(stage.name()).isEqualTo("app owner");
      assertThat(stage.approvers()).containsExactly("omar@example.com");
    });
    assertThat(admin.durations()).containsExactly(Duration.ofHours(1), Duration.ofHours(6), Duration.ofHours(24));
    assertThat(admin.maxDuration()).isEqualTo(Duration.ofHours(24));
    assertThat(admin.expiryRequired()).isTrue();
  }

  @Test
  void productionIsTheAppOwnerThenAllOfSecurity() {
    List<ApprovalStage> route = shipped("aws-prod", "deploy").route();
    assertThat(route).extracting(ApprovalStage::name).containsExactly("app owner", "security");
    assertThat(route.get(1).allOf()).isTrue();
    assertThat(route.get(1).rule()).isEqualTo("all of");
    assertThat(route.get(1).timings().remindAfter()).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void temporaryElevatedIsTheAppOwnerWithARequiredExpiryAndBreakGlass() {
    CatalogRole breakFix = shipped("aws-prod", "break-fix");
    assertThat(breakFix.route()).extracting(ApprovalStage::name).containsExactly("app owner");
    assertThat(breakFix.expiryRequired()).isTrue();
    assertThat(breakFix.maxDuration()).isEqualTo(Duration.ofHours(6));
    assertThat(breakFix.breakGlass().maxDuration()).isEqualTo(Duration.ofHours(1));
    assertThat(breakFix.breakGlass().review()).singleElement()
        .satisfies(stage -> assertThat(stage.approvers()).containsExactly("sam@example.com"));
  }

  @Test
  void atLeastNOfAGroup() {
    Catalog catalog = CatalogFile.parse(FILE, base("""
        route: [{stage: security, approvers: [group:security], rule: 2}]
        """));
    ApprovalStage stage = catalog.app("grafana").orElseThrow().role("admin").orElseThrow().route().get(0);
    assertThat(stage.required()).isEqualTo(2);
    assertThat(stage.rule()).isEqualTo("at least 2 of");
  }

  // ---- recurring access reviews ----

  private static final String REVIEWED_APP = """
      apps:
        grafana:
          owners: [omar@example.com]
          review: %s
          roles:
            viewer:
              groups: [g]
              risk: low
              durations: [PT1H]
              maxDuration: PT1H
      """;

  @Test
  void anAppsRecurringReviewIsReadWithItsDefaults() {
    Catalog catalog = CatalogFile.parse(FILE, REVIEWED_APP.formatted("{every: P90D}"));
    assertThat(catalog.app("grafana").orElseThrow().review())
        .isEqualTo(new CatalogApp.ReviewSchedule(Duration.ofDays(90), Duration.ofDays(14), "owners", "keep"));
    assertThat(SHIPPED.app("grafana").orElseThrow().review()).isNull();
  }

  @Test
  void aReviewScheduleThatCannotWorkIsRefusedNamingTheField() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, REVIEWED_APP.formatted("{every: P7D, dueIn: P14D}")))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("app 'grafana', field 'review'.dueIn: P14D is longer than 'every' (P7D)");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, REVIEWED_APP.formatted("{every: P90D, reviewers: everyone}")))
        .hasMessageContaining("field 'review'.reviewers: 'everyone' is not owners, manager or group:<IdP group id>");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, REVIEWED_APP.formatted("{every: P90D, unreviewed: shrug}")))
        .hasMessageContaining("field 'review'.unreviewed: 'shrug' is not keep, revoke or escalate");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, REVIEWED_APP.formatted("{dueIn: P14D}")))
        .hasMessageContaining("field 'review': 'every' is required");
  }

  // ---- auto-reclaim ----

  private static final String RECLAIMED_APP = REVIEWED_APP.replace("review: %s", "reclaim: %s");

  @Test
  void anAppsReclaimPolicyIsReadWithSafeDefaultsDryRunAndKeepingPeopleWithNoSignInData() {
    Catalog catalog = CatalogFile.parse(FILE, RECLAIMED_APP.formatted(
        "{inactiveAfter: P90D, idpApp: 0oa1grafana, exempt: [Sam@Example.com, 'group:00g-oncall']}"));
    assertThat(catalog.app("grafana").orElseThrow().reclaim()).isEqualTo(new ReclaimPolicy(Duration.ofDays(90),
        Duration.ofDays(7), List.of("sam@example.com"), List.of("00g-oncall"), "dry-run", "keep", "0oa1grafana",
        "member", Duration.ofDays(1), List.of()));
    assertThat(SHIPPED.app("grafana").orElseThrow().reclaim()).isNull();
  }

  @Test
  void aReclaimPolicyThatCannotWorkIsRefusedNamingEachField() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, RECLAIMED_APP.formatted("{grace: P7D}")))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("app 'grafana', field 'reclaim': 'inactiveAfter' is required");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, RECLAIMED_APP.formatted(
        "{inactiveAfter: P90D, mode: delete, noSignal: maybe, grace: PT1S, exempt: [everyone]}")))
        .hasMessageContaining("field 'reclaim'.mode: 'delete' is not dry-run, enforce or off")
        .hasMessageContaining("field 'reclaim'.noSignal: 'maybe' is not keep or reclaim")
        .hasMessageContaining("field 'reclaim'.grace: PT1S is shorter than PT1M")
        .hasMessageContaining("field 'reclaim'.exempt: 'everyone' is not a login (an email address) or group:<IdP group id>");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, RECLAIMED_APP.formatted(
        "{inactiveAfter: P90D, idpApp: 'x/../y'}").replace("owners: [omar@example.com]", "owners: []")
        .replace("idpApp", "keepConfirmedBy: owner, idpApp")))
        .hasMessageContaining("field 'reclaim'.keepConfirmedBy: an owner confirms each Keep, but the app names no owners")
        .hasMessageContaining("field 'reclaim'.idpApp: 'x/../y' is not an IdP app id");
  }

  @Test
  void aRoleTurnedOffIsLeftAloneByItsAppsReclaimAndAnAppTurnedOffNeedsNothingElse() {
    CatalogApp app = CatalogFile.parse(FILE, withRoleReclaim("{inactiveAfter: P90D, mode: enforce}", "{mode: off}"))
        .app("grafana").orElseThrow();
    assertThat(app.reclaimFor("admin")).as("break-glass access used rarely by design").isNull();
    assertThat(app.reclaimFor("viewer")).isEqualTo(app.reclaim());
    assertThat(app.reclaimScan()).contains(app.reclaim());

    CatalogApp off = CatalogFile.parse(FILE, RECLAIMED_APP.formatted("{mode: 'off'}")).app("grafana").orElseThrow();
    assertThat(off.reclaimFor("viewer")).isNull();
    assertThat(off.reclaimScan()).as("nothing to scan").isEmpty();
    // An app turned off, with one role that still reclaims (its mode says so: a role inherits off like any field).
    CatalogApp oneRole = CatalogFile.parse(FILE, withRoleReclaim("{mode: off}", "{inactiveAfter: P30D, mode: enforce}"))
        .app("grafana").orElseThrow();
    assertThat(oneRole.reclaimFor("viewer")).isNull();
    assertThat(oneRole.reclaimScan()).contains(oneRole.reclaimFor("admin"));
  }

  @Test
  void aReclaimPolicyNamesWhomElseItTellsAndARoleMayTellOthersThanItsApp() {
    CatalogApp app = CatalogFile.parse(FILE, withRoleReclaim(
        "{inactiveAfter: P90D, notify: [manager, owners, manager]}", "{notify: []}")).app("grafana").orElseThrow();
    assertThat(app.reclaim().tell()).containsExactly("manager", "owners");
    assertThat(app.reclaim().notifies(ReclaimPolicy.MANAGER)).isTrue();
    assertThat(app.reclaimFor("admin").tell()).isEmpty(); // the role says no one else, over the app's list

    assertThat(CatalogFile.parse(FILE, RECLAIMED_APP.formatted("{inactiveAfter: P90D}")).app("grafana").orElseThrow()
        .reclaim().tell()).as("nobody else by default: the person and the run's ticket").isEmpty();
    assertThatThrownBy(() -> CatalogFile.parse(FILE, RECLAIMED_APP.formatted("{inactiveAfter: P90D, notify: [hr]}")))
        .hasMessageContaining("field 'reclaim'.notify: 'hr' is not manager or owners");
    assertThatThrownBy(() -> CatalogFile.parse(FILE, RECLAIMED_APP.formatted("{inactiveAfter: P90D, notify: [owners]}")
        .replace("owners: [omar@example.com]", "owners: []")))
        .hasMessageContaining("field 'reclaim'.notify: the owners are told, but the app names no owners");
  }

  /** The reclaimed app with a second role whose own reclaim is {@code roleReclaim}. */
  private static String withRoleReclaim(String appReclaim, String roleReclaim) {
    String yaml = appReclaim == null ? REVIEWED_APP.replace("    review: %s\n", "")
        : RECLAIMED_APP.replace("%s", appReclaim);
    return yaml.replace("      viewer:\n", "      admin:\n        groups: [g-admin]\n"
        + "        risk: low\n        durations: [PT1H]\n        maxDuration: PT1H\n"
        + "        reclaim: " + roleReclaim + "\n      viewer:\n");
  }

  @Test
  void aRolesReclaimOverridesTheAppsFieldByFieldAndTheScanKeepsTheAppsLogAndCadence() {
    CatalogApp app = CatalogFile.parse(FILE, withRoleReclaim(
        "{inactiveAfter: P90D, idpApp: 0oa1grafana, every: PT12H}", "{inactiveAfter: P30D, mode: enforce}"))
        .app("grafana").orElseThrow();
    ReclaimPolicy admin = app.reclaimFor("admin");
    assertThat(admin.inactiveAfter()).isEqualTo(Duration.ofDays(30));
    assertThat(admin.mode()).isEqualTo("enforce");
    assertThat(admin.idpApp()).isEqualTo("0oa1grafana"); // the app's, like its grace and cadence
    assertThat(admin.every()).isEqualTo(Duration.ofHours(12));
    assertThat(app.reclaimFor("viewer")).isEqualTo(app.reclaim());
    assertThat(app.reclaimScan()).contains(app.reclaim());

    // A role may reclaim where its app does not: the app is scanned for that role alone.
    CatalogApp roleOnly = CatalogFile.parse(FILE, withRoleReclaim(null, "{inactiveAfter: P30D}")).app("grafana")
        .orElseThrow();
    assertThat(roleOnly.reclaim()).isNull();
    assertThat(roleOnly.reclaimFor("viewer")).isNull();
    assertThat(roleOnly.reclaimScan()).contains(roleOnly.reclaimFor("admin"));

    assertThatThrownBy(() -> CatalogFile.parse(FILE, withRoleReclaim("{inactiveAfter: P90D, idpApp: 0oa1grafana}",
        "{idpApp: 0oa2other, every: PT1H, mode: erase}")))
        .hasMessageContaining("role 'admin', field 'reclaim'.idpApp: the app's reclaim names the IdP app")
        .hasMessageContaining("role 'admin', field 'reclaim'.every: a role's memberships are judged when the app is scanned")
        .hasMessageContaining("role 'admin', field 'reclaim'.mode: 'erase' is not dry-run, enforce or off");
  }

  // ---- validation errors, exactly as an operator sees them ----

  @Test
  void unknownGroupIsNamed() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, base("""
        route: [{stage: security, approvers: [group:secops]}]
        """)))
        .isInstanceOf(CatalogException.class)
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'route', stage 'security', field 'approvers':"
            + " unknown group 'secops'; approverGroups defines security");
  }

  @Test
  void twoStagesOfOneNameAreRefused() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, base("""
        route: [{stage: review, approvers: [owners]}, {stage: Review, approvers: [group:security]}]
        """)))
        .isInstanceOf(CatalogException.class)
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'route', stage 'Review': the route already"
            + " has a stage named 'Review'; give each stage its own name");
  }

  @Test
  void tierThatNeedsAnOwnerRefusesAnAppWithout() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, """
        apps:
          grafana:
            owners: []
            roles:
              admin:
                groups: [g]
                risk: high
                durations: [PT1H]
                maxDuration: PT1H
        """))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin': a high risk role needs an app owner,"
            + " but field 'owners' of app 'grafana' is empty");
  }

  @Test
  void durationOverTheTierMaximumIsNamed() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, """
        tiers:
          high: {durations: [PT1H, PT24H], maxDuration: PT24H}
        apps:
          grafana:
            owners: [omar@example.com]
            roles:
              admin:
                groups: [g]
                risk: high
                durations: [PT1H, P7D]
        """))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'durations': PT168H is over the high tier's"
            + " maxDuration PT24H");
  }

  @Test
  void ownerDurationsNeedTheAppOwnerInTheRoute() {
    assertThat(shipped("aws-prod", "deploy").durations()).contains(Duration.ofDays(7));
    assertThatThrownBy(() -> CatalogFile.parse(FILE, """
        approverGroups:
          security: [sam@example.com]
        tiers:
          high: {maxDuration: PT24H, ownerDurations: [P7D]}
        apps:
          grafana:
            owners: [omar@example.com]
            roles:
              admin:
                groups: [g]
                risk: high
                durations: [PT1H, P7D]
                maxDuration: P7D
                route: [{stage: security, approvers: [group:security]}]
        """))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'maxDuration': PT168H is over the high tier's"
            + " maxDuration PT24H (PT168H is allowed only when the route has the app owner approve and the app names an owner)\n"
            + "catalog catalog.yml, app 'grafana', role 'admin', field 'durations': PT168H is over the high tier's"
            + " maxDuration PT24H (PT168H is allowed only when the route has the app owner approve and the app names an owner)");
  }

  @Test
  void roleMaximumOverTheTierMaximumIsNamed() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, """
        tiers:
          high: {maxDuration: PT24H}
        apps:
          grafana:
            owners: [omar@example.com]
            roles:
              admin: {groups: [g], risk: high, durations: [PT1H], maxDuration: P7D}
        """))
        .hasMessage("catalog catalog.yml, app 'grafana', role 'admin', field 'maxDuration': PT168H is over the high"
            + " tier's maxDuration PT24H");
  }

  @Test
  void otherPolicyMistakesAreNamed() {
    assertThatThrownBy(() -> CatalogFile.parse(FILE, """
        approverGroups:
          security: [sam@example.com]
        apps:
          grafana:
            owners: [omar@example.com]
            roles:
              admin:
                groups: [g]
                risk: high
                durations: [PT1H]
                maxDuration: PT1H
                route: [{stage: security, approvers: [group:security], rule: 3}]
                autoApprove: {departments: [engineering]}
              ops:
                groups: [g]
                risk: high
                durations: [PT1H]
                maxDuration: PT1H
                route: nightly
              viewer:
                groups: [g]
                risk: low
                durations: [PT1H]
                maxDuration: PT1H
                route: [{stage: manager, approvers: [manager], escalateTo: [manager], rule: most}]
                breakGlass: {maxDuration: PT2H}
        """))
        .hasMessageContaining("role 'admin', field 'route': stage 'security' requires 3 approvals but names only 1 approver")
        .hasMessageContaining("role 'admin', field 'autoApprove': only low risk roles are approved automatically (this role is high)")
        .hasMessageContaining("role 'ops', field 'route': route 'nightly' is not defined under 'routes' (defined: none)")
        .hasMessageContaining("role 'viewer', field 'route', stage 'manager', field 'escalateTo': 'manager' cannot be used here")
        .hasMessageContaining("role 'viewer', field 'route', stage 'manager', field 'rule': 'most' is not any, all or a number")
        .hasMessageContaining("role 'viewer', field 'breakGlass', field 'maxDuration': PT2H is over the role's maxDuration PT1H");
  }

  /** A catalog with a security group and one high-risk grafana admin role, plus the given role lines. */
  private static String base(String roleLines) {
    return """
        approverGroups:
          security: [sam@example.com, sol@example.com, sec3@example.com]
        apps:
          grafana:
            owners: [omar@example.com]
            roles:
              admin:
                groups: [g]
                risk: high
                durations: [PT1H]
                maxDuration: PT1H
        """ + roleLines.indent(8);
  }
}
