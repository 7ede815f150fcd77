package dev.accessflow.activities.jira;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.RequestStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The documents accessflow builds are valid ADF, and the validator rejects what Jira would. */
class AdfTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyAuditCommentIsValid() {
    for (AuditKind kind : AuditKind.values()) {
      AuditEntry entry = new AuditEntry(3, Instant.parse("2026-11-27T10:15:30Z"), kind, RequestStatus.ACTIVE,
          "line one\r\n\nline three");
      JsonNode doc = Adf.auditComment("req-1", entry);
      assertThat(Adf.problems(doc)).as(doc.toString()).isEmpty();
      assertThat(Adf.containsText(doc, "[accessflow req-1 #3]")).isTrue();
    }
    // No text, no time, no status: still valid (no empty text nodes).
    JsonNode bare = Adf.auditComment("req-1", new AuditEntry(1, null, null, null, ""));
    assertThat(Adf.problems(bare)).isEmpty();
  }

  @Test
  void theDescriptionIsValidAndListsTheFacts() {
    JsonNode doc = Adf.requestDescription(JiraStub.request("req-1", null));

    assertThat(Adf.problems(doc)).isEmpty();
    assertThat(doc.get("content").get(1).get("type").asText()).isEqualTo("bulletList");
    assertThat(Adf.containsText(doc, "manager (1 of 1)")).isTrue();
    assertThat(Adf.containsText(doc, "12h")).isTrue();
  }

  @Test
  void rejectsWhatTheAdfStructureForbids() throws Exception {
    assertThat(Adf.problems(json("{\"type\":\"doc\",\"version\":2,\"content\":[]}")))
        .containsExactly("$.version: must be the integer 1");
    assertThat(Adf.problems(json("{\"type\":\"doc\",\"version\":1}"))).containsExactly("$.content: required");
    assertThat(Adf.problems(json("{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"text\",\"text\":\"bare\"}]}")))
        .singleElement().asString().startsWith("$.content[0].type: \"text\" not allowed here");
    assertThat(Adf.problems(json(
        "{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"paragraph\",\"content\":[{\"type\":\"text\",\"text\":\"\"}]}]}")))
        .containsExactly("$.content[0].content[0].text: text node needs a non-empty string");
    assertThat(Adf.problems(json("{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"paragraph\",\"content\":"
        + "[{\"type\":\"text\",\"text\":\"x\",\"marks\":[{\"type\":\"link\"}]}]}]}")))
        .containsExactly("$.content[0].content[0].marks[0].attrs.href: link needs an href");
    assertThat(Adf.problems(json("{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"bulletList\",\"content\":"
        + "[{\"type\":\"paragraph\"}]}]}")))
        .singleElement().asString().startsWith("$.content[0].content[0].type: \"paragraph\" not allowed here");
    assertThat(Adf.problems(json("{\"type\":\"doc\",\"version\":1,\"content\":[{\"type\":\"heading\",\"content\":[]}]}")))
        .containsExactly("$.content[0].attrs.level: heading needs an integer level 1-6");
    assertThat(Adf.problems(json("\"a string, like the spec's examples\""))).isNotEmpty();
  }

  @Test
  void acceptsAtlassiansOwnCommentExample() throws Exception {
    // The body of the addComment example in swagger-v3.v3.json.
    assertThat(Adf.problems(json("{\"content\":[{\"content\":[{\"text\":\"Lorem ipsum dolor sit amet\",\"type\":\"text\"}],"
        + "\"type\":\"paragraph\"}],\"type\":\"doc\",\"version\":1}"))).isEmpty();
  }

  @Test
  void theDescriptionNamesEachGroupBesideItsIdpId() {
    var base = JiraStub.request("REQ-N", null);
    var named = new dev.accessflow.workflows.model.AccessRequest(base.requestId(), base.requester(), base.app(), base.role(),
        java.util.List.of("00gQedUStPKR0CsTy4Qw", "00gUNNAMED"), base.riskTier(), base.duration(), base.maxDuration(),
        base.reason(), base.source(), base.route(), base.approvalTimeout(), null, base.policy(),
        java.util.Map.of("00gQedUStPKR0CsTy4Qw", "github-admins"), null);
    JsonNode description = Adf.requestDescription(named);
    assertThat(Adf.containsText(description, "github-admins (00gQedUStPKR0CsTy4Qw), 00gUNNAMED")).isTrue();
    assertThat(Adf.problems(description)).isEmpty();
  }

  @Test
  void formatsDurationsShortly() {
    assertThat(Adf.human(Duration.ofHours(4))).isEqualTo("4h");
    assertThat(Adf.human(Duration.ofMinutes(90))).isEqualTo("1h 30m");
    assertThat(Adf.human(Duration.ofHours(26))).isEqualTo("1d 2h");
    assertThat(Adf.human(Duration.ofSeconds(45))).isEqualTo("45s");
  }

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }
}
