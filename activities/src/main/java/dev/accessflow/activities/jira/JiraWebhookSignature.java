package dev.accessflow.activities.jira;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies the {@code X-Hub-Signature: sha256=<hex>} header Jira Cloud puts on admin webhook
 * deliveries that have a secret: an HMAC-SHA256 of the raw request body keyed with the secret.
 * There is no timestamp in the signed material, so replays must be caught by the caller
 * (de-duplicate on {@code X-Atlassian-Webhook-Identifier}).
 */
public final class JiraWebhookSignature {
  /** The header name; compare it case-insensitively, frameworks often lower-case it. */
  public static final String HEADER = "X-Hub-Signature";
  private static final String ALGORITHM = "HmacSHA256";
  private static final String PREFIX = "sha256=";

  private final SecretKeySpec key;

  public JiraWebhookSignature(String secret) {
    Objects.requireNonNull(secret, "secret");
    if (secret.isEmpty()) {
      throw new IllegalArgumentException("Jira webhook secret must not be empty");
    }
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The header value Jira would send for this body. */
  public String sign(byte[] rawBody) {
    return PREFIX + HexFormat.of().formatHex(hmac(rawBody));
  }

  /**
   * True when {@code headerValue} is {@code sha256=<hex>} and the hex is the HMAC of exactly these
   * bytes. Verify before parsing: re-serialised JSON would not match. The digests are compared in
   * constant time so the answer leaks nothing about how much of a forged value was right.
   */
  public boolean verify(byte[] rawBody, String headerValue) {
    if (rawBody == null || headerValue == null) {
      return false;
    }
    String value = headerValue.trim();
    if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
      return false;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(value.substring(PREFIX.length()).toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException notHex) {
      return false;
    }
    return MessageDigest.isEqual(hmac(rawBody), given);
  }

  private byte[] hmac(byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "JiraWebhookSignature[secret=***]";
  }
}
