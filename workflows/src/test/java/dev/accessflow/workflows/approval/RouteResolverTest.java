package dev.accessflow.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.IdpUser;
import dev.accessflow.workflows.model.StageTimings;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteResolverTest {
  private static final String ALICE = "alice@example.com";
  private static final String BOB = "bob@example.com";
  private static final String CAROL = "carol@example.com";
  private static final IdpUser ALICE_USER = new IdpUser(ALICE, "00u-alice", ALICE, BOB, "engineering", null);

  private static ApprovalStage twoOf(List<String> people, List<String> escalateTo) {
    return new ApprovalStage("peers", people, 2, false, false, escalateTo, StageTimings.DEFAULT);
  }

  @Test
  void twoOfAStageTheRequesterIsInIsNeverLoweredToOne() {
    RouteResolver.Resolution resolution = RouteResolver.resolve(List.of(twoOf(List.of(ALICE, BOB), List.of())), ALICE, ALICE_USER);
    assertThat(resolution.route()).isEmpty();
    assertThat(resolution.failure()).isEqualTo("stage 'peers' needs 2 approvals but only 1 people may give them"
        + " (bob@example.com): the requester cannot approve their own request, and the stage names no escalateTo people");
  }

  @Test
  void twoOfTakesTheStagesEscalateToPeopleAndSaysSo() {
    RouteResolver.Resolution resolution = RouteResolver.resolve(
        List.of(twoOf(List.of(ALICE, BOB), List.of(CAROL))), ALICE, ALICE_USER);
    assertThat(resolution.failure()).isNull();
    assertThat(resolution.route()).singleElement().satisfies(stage -> {
      assertThat(stage.approvers()).containsExactly(BOB, CAROL);
      assertThat(stage.required()).isEqualTo(2);
    });
    assertThat(resolution.notes()).containsExactly("stage 'peers' asks carol@example.com (its escalateTo people) because"
        + " the requester cannot approve their own request");
  }

  @Test
  void managerWhoIsAlsoNamedCountsOnceInAllOf() {
    ApprovalStage both = new ApprovalStage("manager and owner", List.of(BOB), 2, true, true, List.of(), StageTimings.DEFAULT);
    RouteResolver.Resolution resolution = RouteResolver.resolve(List.of(both), ALICE, ALICE_USER);
    assertThat(resolution.route()).singleElement().satisfies(stage -> {
      assertThat(stage.approvers()).containsExactly(BOB);
      assertThat(stage.required()).isEqualTo(1);
      assertThat(stage.requesterManager()).isFalse();
    });
    assertThat(resolution.notes()).isEmpty();
  }

  @Test
  void missingManagerInAnAllOfStageIsNotSilentlyDropped() {
    IdpUser noManager = new IdpUser(ALICE, "00u-alice", ALICE, null, "engineering", null);
    ApprovalStage both = new ApprovalStage("manager and owner", List.of(CAROL), 2, true, true, List.of(), StageTimings.DEFAULT);
    RouteResolver.Resolution resolution = RouteResolver.resolve(List.of(both), ALICE, noManager);
    assertThat(resolution.failure()).isEqualTo("stage 'manager and owner' needs 2 approvals but only 1 people may give"
        + " them (carol@example.com): alice@example.com has no manager in the IdP, and the stage names no escalateTo people");
  }
}
