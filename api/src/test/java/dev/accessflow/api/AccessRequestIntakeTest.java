package dev.accessflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.Channel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The route and policy a request gets at submission, from the shipped example catalog. */
class AccessRequestIntakeTest {
  private static final Catalog CATALOG = CatalogFile.load(Path.of("../config/catalog.yml"));
  private static final String DANA = "dana@example.com";

  private final AccessRequestIntake intake = new AccessRequestIntake(CATALOG, Duration.ofHours(72),
      (requester, app, role) -> requester.equals("ed@example.com") ? 3 : 2);

  private AccessRequest ask(String requester, String app, String role, String duration, boolean emergency) {
    return intake.toRequest(new AccessRequestIntake.Ask("r-1", requester, app, role, duration, "because", Channel.REST,
        null, emergency));
  }

  @Test
  void theRequestCarriesTheIdpNamesOfItsOwnGroupsOnly() {
    AccessRequestIntake named = new AccessRequestIntake(CATALOG, Duration.ofHours(72), (r, a, role) -> 0,
        AccessRequestIntake.RequesterCheck.ANYONE,
        java.util.Map.of("aws-prod-operators", "AWS operators", "prod-vpn", "Production VPN", "figma-editors", "Figma"));
    AccessRequest request = named.toRequest(new AccessRequestIntake.Ask("r-2", DANA, "aws-prod", "break-fix", "PT1H",
        "incident", Channel.REST, null));
    assertThat(request.groupNames()).containsOnlyKeys("aws-prod-operators", "prod-vpn");
    assertThat(request.groupLabels()).isEqualTo("AWS operators (aws-prod-operators), Production VPN (prod-vpn)");
  }

  @Test
  void aRequesterTheIdpRefusesIsA422NamingTheRequester() {
    AccessRequestIntake checked = new AccessRequestIntake(CATALOG, Duration.ofHours(72), (r, a, role) -> 0,
        login -> new AccessRequestIntake.RequesterCheck.Answer(
            login.startsWith("sus") ? "Okta user " + login + " is SUSPENDED; access cannot be granted" : null, null),
        java.util.Map.of());
    AccessRequest fine = checked.toRequest(new AccessRequestIntake.Ask("r-3", DANA, "figma", "editor", "PT24H", "x",
        Channel.REST, null));
    checked.checkRequester(fine);
    AccessRequest suspended = checked.toRequest(new AccessRequestIntake.Ask("r-4", "sus@example.com", "figma", "editor",
        "PT24H", "x", Channel.REST, null));
    assertThatThrownBy(() -> checked.checkRequester(suspended)).isInstanceOfSatisfying(ApiProblem.class, p -> {
      assertThat(p.status()).isEqualTo(422);
      assertThat(p.field()).isEqualTo("requester");
      assertThat(p.getMessage()).isEqualTo("sus@example.com cannot be granted access: Okta user sus@example.com is SUSPENDED;"
          + " access cannot be granted");
    });
  }

  @Test
  void theIntakeAnswersWithTheRouteResolvedAgainstTheRequestersProfileAndPassesTheProfileOnOrRefusesOneNobodyCanComplete() {
    AccessRequestIntake resolving = new AccessRequestIntake(CATALOG, Duration.ofHours(72), (r, a, role) -> 0,
        login -> new AccessRequestIntake.RequesterCheck.Answer(null, new dev.accessflow.workflows.model.IdpUser(login,
            "00u1", login, login.startsWith("lone") ? null : "maria@example.com", "design", null)), java.util.Map.of());
    AccessRequest dana = resolving.toRequest(new AccessRequestIntake.Ask("r-5", DANA, "figma", "editor", "PT24H", "x",
        Channel.REST, null));
    AccessRequestIntake.Admitted admitted = resolving.checkRequester(dana);
    assertThat(admitted.route().get(0).approvers()).containsExactly("maria@example.com");
    // The workflow starts with the profile the IdP just gave, and does not ask again.
    assertThat(admitted.request().requesterProfile().manager()).isEqualTo("maria@example.com");

    AccessRequest lone = resolving.toRequest(new AccessRequestIntake.Ask("r-6", "lone@example.com", "figma", "editor",
        "PT24H", "x", Channel.REST, null));
    assertThatThrownBy(() -> resolving.checkRequester(lone)).isInstanceOfSatisfying(ApiProblem.class, p -> {
      assertThat(p.status()).isEqualTo(422);
      assertThat(p.field()).isEqualTo("role");
      assertThat(p.getMessage()).startsWith("figma / editor cannot be routed for lone@example.com: stage 'manager'")
          .contains("lone@example.com has no manager in the IdP");
    });
  }

  @Test
  void routeComesFromTheCatalogAndTheManagerIsLeftToTheWorkflow() {
    AccessRequest request = ask(DANA, "figma", "editor", "PT24H", false);
    assertThat(request.route()).extracting(ApprovalStage::name).containsExactly("manager", "budget owner");
    assertThat(request.route().get(0).requesterManager()).isTrue();
    assertThat(request.policy().breakGlass()).isFalse();
  }

  @Test
  void lowTierNeedsNoExpiryAndCarriesItsAutoApprovalRules() {
    AccessRequest request = ask(DANA, "grafana", "viewer", null, false);
    assertThat(request.duration()).isEqualTo(Duration.ofDays(7));
    assertThat(request.policy().autoApproveDepartments()).containsExactly("engineering");
    assertThat(request.policy().autoApprovedBy()).isNull(); // 2 earlier approvals, the rule needs 3
    assertThat(request.policy().selfExtend()).isTrue();

    assertThat(ask("ed@example.com", "grafana", "viewer", "PT24H", false).policy().autoApprovedBy())
        .isEqualTo("the same request was approved 3 times before (rule: 3)");
  }

  @Test
  void anUnreadableApprovalHistorySendsTheRequestToPeopleInsteadOfFailingIt() {
    AccessRequestIntake ledgerDown = new AccessRequestIntake(CATALOG, Duration.ofHours(72), (r, a, role) -> {
      throw new IllegalStateException("Connection is not available, request timed out after 1000ms");
    });

    AccessRequest request = ledgerDown.toRequest(new AccessRequestIntake.Ask("r-9", "ed@example.com", "grafana", "viewer",
        "PT24H", "because", Channel.REST, null, false));

    assertThat(request.policy().autoApprovedBy()).isNull();
    assertThat(request.route()).extracting(ApprovalStage::name).containsExactly("manager");
  }

  @Test
  void tierThatRequiresAnExpiryRefusesARequestWithout() {
    assertThatThrownBy(() -> ask(DANA, "grafana", "admin", null, false))
        .isInstanceOf(ApiProblem.class)
        .hasMessage("duration is required; allowed: PT1H, PT6H, PT24H");
  }

  @Test
  void breakGlassIsShortAndReviewedBySecurity() {
    AccessRequest request = ask(DANA, "aws-prod", "break-fix", null, true);
    assertThat(request.duration()).isEqualTo(Duration.ofHours(1));
    assertThat(request.policy().breakGlass()).isTrue();
    assertThat(request.route()).singleElement().satisfies(stage -> {
      assertThat(stage.name()).isEqualTo("security review");
      assertThat(stage.approvers()).containsExactly("sam@example.com");
    });
    assertThat(request.policy().reviewTimings().remindAfter()).isEqualTo(Duration.ofHours(1));

    assertThatThrownBy(() -> ask(DANA, "aws-prod", "break-fix", "PT6H", true))
        .hasMessage("break-glass access to aws-prod / break-fix lasts at most PT1H; ask for PT1H or less");
    assertThatThrownBy(() -> ask(DANA, "grafana", "admin", "PT1H", true))
        .hasMessage("grafana / admin does not allow break-glass access; ask for it normally");
  }
}
