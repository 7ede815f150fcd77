package dev.accessflow.workflows.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.StageTimings;
import dev.accessflow.workflows.model.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalRoundTest {
  private static RecordedDecision approval(String actor, String stage) {
    return new RecordedDecision(actor, actor, Verdict.APPROVE, Channel.SLACK, null, Instant.EPOCH, stage);
  }

  @Test
  void approvalsAreCountedPerStageNotPerStageName() {
    List<ApprovalStage> route = new ArrayList<>(List.of(ApprovalStage.anyOf("review", List.of("omar@example.com")),
        new ApprovalStage("review", List.of("sec1@example.com", "sec2@example.com"), 2, false, false, List.of(),
            StageTimings.DEFAULT)));
    ApprovalRound round = new ApprovalRound(ApprovalRound.Purpose.APPROVAL, route, "dana@example.com");
    assertThat(round.record(approval("omar@example.com", "review"))).isEqualTo(ApprovalRound.Progress.NEXT_STAGE);
    // The first stage's approval does not count towards the second, although both are called "review".
    assertThat(round.record(approval("sec1@example.com", "review"))).isEqualTo(ApprovalRound.Progress.COUNTED);
    assertThat(round.stillNeeded(1)).isEqualTo(1);
    assertThat(round.record(approval("sec2@example.com", "review"))).isEqualTo(ApprovalRound.Progress.COMPLETE);
  }

  @Test
  void onePersonGivesOneApprovalPerRound() {
    List<ApprovalStage> route = new ArrayList<>(List.of(ApprovalStage.anyOf("a", List.of("omar@example.com")),
        ApprovalStage.anyOf("b", List.of("omar@example.com", "sec1@example.com"))));
    ApprovalRound round = new ApprovalRound(ApprovalRound.Purpose.APPROVAL, route, "dana@example.com");
    round.record(approval("omar@example.com", "a"));
    assertThat(round.eligible(1)).containsExactly("sec1@example.com");
    assertThat(round.refusal("omar@example.com", "r1").reason())
        .isEqualTo("omar@example.com already approved this request at stage 'a'; one person cannot give two approvals");
    assertThat(round.refusal("dana@example.com", "r1").reason())
        .isEqualTo("dana@example.com requested this access and cannot approve or deny it");
  }
}
