package dev.accessflow.activities.jira;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** X-Hub-Signature verification, with the sample computed in the shared protocol notes. */
class JiraWebhookSignatureTest {
  private static final byte[] BODY =
      "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"key\":\"ACC-1\"}}".getBytes(StandardCharsets.UTF_8);
  private static final String EXPECTED = "sha256=303435a8e26951bbd6ef70e82eb4b7c7a10d5f300f1af242ea9dd1d87462db23";

  private final JiraWebhookSignature signature = new JiraWebhookSignature("test-secret");

  @Test
  void matchesTheKnownSample() {
    assertThat(signature.sign(BODY)).isEqualTo(EXPECTED);
    assertThat(signature.verify(BODY, EXPECTED)).isTrue();
    assertThat(signature.verify(BODY, "SHA256=" + EXPECTED.substring(7).toUpperCase())).isTrue();
  }

  @Test
  void rejectsTamperingAndMalformedHeaders() {
    byte[] tampered = "{\"webhookEvent\":\"jira:issue_updated\",\"issue\":{\"key\":\"ACC-2\"}}".getBytes(StandardCharsets.UTF_8);
    assertThat(signature.verify(tampered, EXPECTED)).isFalse();
    assertThat(new JiraWebhookSignature("other-secret").verify(BODY, EXPECTED)).isFalse();
    assertThat(signature.verify(BODY, EXPECTED.substring(7))).as("no sha256= prefix").isFalse();
    assertThat(signature.verify(BODY, "sha1=" + EXPECTED.substring(7))).isFalse();
    assertThat(signature.verify(BODY, "sha256=zz")).isFalse();
    assertThat(signature.verify(BODY, EXPECTED.substring(0, EXPECTED.length() - 2))).as("truncated").isFalse();
    assertThat(signature.verify(BODY, null)).isFalse();
    assertThat(signature.verify(null, EXPECTED)).isFalse();
  }

  @Test
  void needsASecretAndNeverPrintsIt() {
    assertThatThrownBy(() -> new JiraWebhookSignature("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(signature.toString()).doesNotContain("test-secret");
  }
}
