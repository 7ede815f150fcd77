package dev.accessflow.activities.slack;

import java.util.Map;
import dev.accessflow.workflows.model.RequestPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.util.json.GsonFactory;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.model.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every message stays inside Block Kit's limits however long what a person typed was. */
class SlackBlocksTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** 2,000 characters (intake's maximum) that each escape to five. */
  private static final String AMPERSANDS = "&".repeat(2000);

  @Test
  void longTextsAreCutToBlockKitsLimitsAndNeverMidEscape() throws Exception {
    AccessRequest request = new AccessRequest("REQ-LONG", "ada@acme.example", "github", "admin", List.of("gh-admins"),
        "high", Duration.ofHours(4), Duration.ofHours(12), AMPERSANDS, Channel.SLACK,
        List.of(ApprovalStage.of("x".repeat(3000), List.of("grace@acme.example"), 1)), Duration.ofHours(1), null, RequestPolicy.NONE, Map.of(), null);
    RequesterNotice notice = new RequesterNotice("REQ-LONG", "ada@acme.example", AuditKind.DENIED, "<" + AMPERSANDS + ">");
    RecordedDecision decision = new RecordedDecision("e", "grace@acme.example", Verdict.DENY, Channel.SLACK, AMPERSANDS,
        Instant.EPOCH, "manager");
    List<LayoutBlock> all = new ArrayList<>();
    all.addAll(SlackBlocks.approvalPrompt(new ApprovalPrompt(request, request.route().get(0), List.of(), "ACC-1"), null));
    all.addAll(SlackBlocks.outcome(notice, decision, Instant.EPOCH));
    all.addAll(SlackBlocks.requesterNotice(notice));
    all.addAll(SlackBlocks.note(notice));
    List<String> over = new ArrayList<>();
    for (LayoutBlock block : all) {
      JsonNode json = JSON.readTree(GsonFactory.createSnakeCase().toJson(block));
      check(json.path("type").asText(), json, over);
    }
    assertThat(over).isEmpty();
    assertThat(SlackBlocks.fit("ab&amp;cd", 5)).isEqualTo("ab…");
    assertThat(SlackBlocks.approvalPromptText(new ApprovalPrompt(request, request.route().get(0), List.of(), null)))
        .hasSizeLessThanOrEqualTo(SlackBlocks.MESSAGE_TEXT);
  }

  private static void check(String type, JsonNode block, List<String> over) {
    switch (type) {
      case "header" -> limit("header text", block.path("text").path("text").asText(), SlackBlocks.HEADER_TEXT, over);
      case "section" -> {
        limit("section text", block.path("text").path("text").asText(), SlackBlocks.SECTION_TEXT, over);
        block.path("fields").forEach(f -> limit("section field", f.path("text").asText(), SlackBlocks.FIELD_TEXT, over));
      }
      case "context" -> block.path("elements").forEach(e -> limit("context", e.path("text").asText(), SlackBlocks.CONTEXT_TEXT, over));
      default -> { }
    }
  }

  private static void limit(String what, String text, int max, List<String> over) {
    if (text.length() > max) {
      over.add(what + ": " + text.length() + " > " + max);
    }
    // A cut escape would show as a stray '&' followed by garbage.
    if (text.matches("(?s).*&(?!amp;|lt;|gt;).*")) {
      over.add(what + ": a cut escape");
    }
  }
}
