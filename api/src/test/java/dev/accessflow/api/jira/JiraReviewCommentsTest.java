package dev.accessflow.api.jira;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.api.jira.JiraReviewComments.Command;
import org.junit.jupiter.api.Test;

/** What a comment on a campaign's Jira issue asks for, line by line. */
class JiraReviewCommentsTest {

  @Test
  void eachLineNamesAVerdictItemsAndForARevokeItsReason() {
    assertThat(JiraReviewComments.parse("""
        Looked at these today.
        keep 12 13, #14
        Revoke 15: moved to Sales
        revoke 16
        keep twelve
        I'd keep 17 too"""))
        .containsExactly(new Command("keep", 12, null), new Command("keep", 13, null), new Command("keep", 14, null),
            new Command("revoke", 15, "moved to Sales"), new Command("revoke", 16, null));
  }

  @Test
  void aCommentWithoutDecisionsAsksForNothing() {
    assertThat(JiraReviewComments.parse("Decisions and revocations (3):\nItem 12 · ed@example.com · KEEP by x")).isEmpty();
    assertThat(JiraReviewComments.parse(null)).isEmpty();
  }
}
