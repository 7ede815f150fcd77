package dev.accessflow.api;

import java.security.SecureRandom;

/** New business ids for requests born in accessflow (REST, Slack): short, unambiguous, e.g. REQ-7KQ2M9XD. */
public final class RequestIds {
  // No 0/O, 1/I/L or U (read as V) look-alikes: people read these ids aloud and type them.
  private static final char[] ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789".toCharArray();
  private final SecureRandom random = new SecureRandom();

  public String next() {
    StringBuilder id = new StringBuilder("REQ-");
    for (int i = 0; i < 8; i++) {
      id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return id.toString();
  }
}
