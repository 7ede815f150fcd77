package dev.accessflow.api.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.api.slack.SlackRequestVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Slack request signing, including Slack's published test vector (PROTOCOL-NOTES.md) under an injected clock. */
class SlackRequestVerifierTest {
  private static final String VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  private static final String VECTOR_TIMESTAMP = "1531420618";
  private static final byte[] VECTOR_BODY = ("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
      + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
      + "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
      + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c").getBytes(StandardCharsets.UTF_8);
  private static final String VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

  private static Clock at(long epochSecond) {
    return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
  }

  @Test
  void slacksPublishedVectorVerifiesWhenTheClockIsAtItsTimestamp() {
    SlackRequestVerifier verifier = new SlackRequestVerifier(VECTOR_SECRET, at(1531420618L + 30));
    assertThat(verifier.sign(VECTOR_TIMESTAMP, VECTOR_BODY)).isEqualTo(VECTOR_SIGNATURE);
    assertThat(verifier.verify(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY)).isEqualTo(Verdict.VALID);
  }

  @Test
  void thePublishedVectorIsStaleOnTodaysClock() {
    SlackRequestVerifier verifier = new SlackRequestVerifier(VECTOR_SECRET, Clock.systemUTC());
    assertThat(verifier.verify(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY)).isEqualTo(Verdict.STALE);
  }

  @Test
  void theWindowIsFiveMinutesEitherWay() {
    long ts = 1_800_000_000L;
    byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
    String signature = new SlackRequestVerifier("s3cret", at(ts)).sign(Long.toString(ts), body);
    assertThat(new SlackRequestVerifier("s3cret", at(ts + 300)).verify(Long.toString(ts), signature, body)).isEqualTo(Verdict.VALID);
    assertThat(new SlackRequestVerifier("s3cret", at(ts - 300)).verify(Long.toString(ts), signature, body)).isEqualTo(Verdict.VALID);
    assertThat(new SlackRequestVerifier("s3cret", at(ts + 301)).verify(Long.toString(ts), signature, body)).isEqualTo(Verdict.STALE);
    assertThat(new SlackRequestVerifier("s3cret", at(ts - 301)).verify(Long.toString(ts), signature, body)).isEqualTo(Verdict.STALE);
  }

  @Test
  void aFreshPayloadSignedWithOurSecretVerifiesOnceAndIsAReplayAfterwards() {
    long now = Instant.now().getEpochSecond();
    SlackRequestVerifier verifier = new SlackRequestVerifier("s3cret", Clock.systemUTC());
    byte[] body = "payload=%7B%22type%22%3A%22block_actions%22%7D".getBytes(StandardCharsets.UTF_8);
    String signature = verifier.sign(Long.toString(now), body);
    assertThat(verifier.verify(Long.toString(now), signature, body)).isEqualTo(Verdict.VALID);
    assertThat(verifier.verify(Long.toString(now), signature, body)).isEqualTo(Verdict.REPLAYED);
  }

  @Test
  void aChangedBodyOrAnotherSecretIsABadSignature() {
    long now = Instant.now().getEpochSecond();
    byte[] body = "payload=%7B%7D".getBytes(StandardCharsets.UTF_8);
    String signature = new SlackRequestVerifier("s3cret", Clock.systemUTC()).sign(Long.toString(now), body);
    SlackRequestVerifier verifier = new SlackRequestVerifier("s3cret", Clock.systemUTC());
    assertThat(verifier.verify(Long.toString(now), signature, "payload=%7B%20%7D".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Verdict.BAD_SIGNATURE);
    assertThat(new SlackRequestVerifier("other", Clock.systemUTC()).verify(Long.toString(now), signature, body))
        .isEqualTo(Verdict.BAD_SIGNATURE);
    // The timestamp is signed too: moving it breaks the signature.
    assertThat(verifier.verify(Long.toString(now - 1), signature, body)).isEqualTo(Verdict.BAD_SIGNATURE);
  }

  @Test
  void missingOrMalformedHeadersAreRefused() {
    SlackRequestVerifier verifier = new SlackRequestVerifier("s3cret", Clock.systemUTC());
    byte[] body = new byte[0];
    assertThat(verifier.verify(null, "v0=00", body)).isEqualTo(Verdict.MISSING_HEADERS);
    assertThat(verifier.verify("123", null, body)).isEqualTo(Verdict.MISSING_HEADERS);
    assertThat(verifier.verify("yesterday", "v0=00", body)).isEqualTo(Verdict.MISSING_HEADERS);
  }
}
