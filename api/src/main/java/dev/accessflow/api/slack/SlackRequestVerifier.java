package dev.accessflow.api.slack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signing: HMAC-SHA256 over "v0:{timestamp}:{raw body}" keyed with the signing
 * secret, sent as X-Slack-Signature "v0={hex}", accepted within 5 minutes of the sender's
 * timestamp. A signature is accepted once: the same signed request sent again inside the window
 * is a replay (Slack signs every delivery, retries included, afresh).
 */
public final class SlackRequestVerifier {
  /** Slack's own SDKs use exactly this window. */
  public static final Duration WINDOW = Duration.ofMinutes(5);

  /** Why a request was or was not accepted. */
  public enum Verdict {
    VALID, MISSING_HEADERS, STALE, BAD_SIGNATURE, REPLAYED;

    public boolean valid() {
      return this == VALID;
    }
  }

  private final byte[] secret;
  private final Clock clock;
  /** Accepted signatures and when they drop out of the window. */
  private final Map<String, Long> seen = new ConcurrentHashMap<>();

  public SlackRequestVerifier(String signingSecret, Clock clock) {
    if (signingSecret == null || signingSecret.isBlank()) {
      throw new IllegalArgumentException("a Slack signing secret is required");
    }
    this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  public Verdict verify(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null || timestamp.isBlank() || signature.isBlank()) {
      return Verdict.MISSING_HEADERS;
    }
    long sentAt;
    try {
      sentAt = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return Verdict.MISSING_HEADERS;
    }
    long now = clock.millis() / 1000;
    if (Math.abs(now - sentAt) > WINDOW.toSeconds()) {
      return Verdict.STALE;
    }
    byte[] expected = sign(timestamp.trim(), body).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
      return Verdict.BAD_SIGNATURE;
    }
    forgetExpired(now);
    if (seen.putIfAbsent(signature.trim(), sentAt + WINDOW.toSeconds()) != null) {
      return Verdict.REPLAYED;
    }
    return Verdict.VALID;
  }

  /** The X-Slack-Signature value for a body sent at timestamp (also used by tests to sign fresh payloads). */
  public String sign(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private void forgetExpired(long now) {
    if (seen.size() > 1000) {
      seen.values().removeIf(until -> until < now);
    }
  }
}
