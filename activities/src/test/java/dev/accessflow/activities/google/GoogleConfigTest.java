package dev.accessflow.activities.google;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GoogleConfigTest {
  @Test
  void eachProblemIsNamedAndPlainHttpOnlyToThisMachine() {
    assertThat(new GoogleConfig("/secrets/sa.json", "admin@acme.example", null, null, null).problems()).isEmpty();
    assertThat(new GoogleConfig("k", "a@acme.example", null, "http://127.0.0.1:8089/", null).problems()).isEmpty();
    assertThat(new GoogleConfig("", "not-an-email", null, "http://admin.googleapis.com/", Duration.ZERO).problems())
        .hasSize(4).anySatisfy(p -> assertThat(p).startsWith("idp.google.serviceAccountKey"))
        .anySatisfy(p -> assertThat(p).startsWith("idp.google.adminEmail"))
        .anySatisfy(p -> assertThat(p).startsWith("idp.google.rootUrl"))
        .anySatisfy(p -> assertThat(p).startsWith("idp.google.requestTimeout"));
  }

  @Test
  void anUnreadableKeyIsNamedWithoutItsText() {
    String key = "{\"type\":\"service_account\",\"private_key\":\"SECRET-KEY-TEXT\"}";
    assertThatThrownBy(() -> GoogleDirectory.credentials(new GoogleConfig(key, "a@acme.example", null, null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("idp.google.serviceAccountKey: not a readable service account JSON key")
        .hasMessageNotContaining("SECRET-KEY-TEXT");
  }

  @Test
  void theOAuthErrorIsPickedOutOfGoogleAuthsMessage() {
    assertThat(GoogleDirectory.tokenError("Error getting access token for service account: 400 Bad Request\nPOST https://oauth2"
        + ".googleapis.com/token\n{\"error\":\"invalid_grant\",\"error_description\":\"Invalid email or User ID\"}"))
        .isEqualTo("invalid_grant: Invalid email or User ID");
    assertThat(GoogleDirectory.tokenError("timeout")).isNull();
  }
}
