package dev.accessflow.api.jira;

/**
 * Checks a webhook delivery's signature header against its raw body. The worker plugs in the
 * HMAC implementation; it must compare in constant time.
 */
@FunctionalInterface
public interface WebhookSignatureVerifier {
  /** True when {@code signatureHeader} (may be null) signs exactly {@code rawBody}. */
  boolean verify(byte[] rawBody, String signatureHeader);
}
