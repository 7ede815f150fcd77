package dev.accessflow.activities.okta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The parts of an Okta error body that may appear in failure messages: errorCode, errorSummary and
 * errorId. The raw body never leaves this class (it can be large, and vendor payloads are not logged).
 */
record OktaError(String code, String summary, String id) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_SUMMARY = 300;

  static OktaError parse(String body) {
    if (body == null || body.isBlank()) {
      return new OktaError(null, null, null);
    }
    try {
      JsonNode node = JSON.readTree(body);
      return new OktaError(field(node, "errorCode"), clip(field(node, "errorSummary")), field(node, "errorId"));
    } catch (Exception notJson) {
      return new OktaError(null, null, null);
    }
  }

  private static String field(JsonNode node, String name) {
    JsonNode value = node == null ? null : node.get(name);
    return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
  }

  private static String clip(String text) {
    return text == null || text.length() <= MAX_SUMMARY ? text : text.substring(0, MAX_SUMMARY) + "...";
  }
}
