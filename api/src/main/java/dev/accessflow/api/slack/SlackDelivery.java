package dev.accessflow.api.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a signed delivery to {@code /slack/events} must look like before Bolt sees it: a slash
 * command, an interaction payload, an SSL check or an Events API JSON body, each with the fields
 * the handlers read. A signed body can still be malformed (a bug, a replayed fragment, a test
 * tool): it gets a 400 that names what is wrong, never Bolt's exception and never a 5xx, which
 * Slack would retry.
 */
public final class SlackDelivery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SlackDelivery() {}

  /** Why this body is not a delivery accessflow can handle; empty when it is one. */
  public static Optional<String> problem(byte[] body, String contentType) {
    String text = new String(body, StandardCharsets.UTF_8);
    if (contentType != null && contentType.toLowerCase().startsWith("application/json")) {
      JsonNode event = parse(text);
      return event != null && event.path("type").isTextual() ? Optional.empty()
          : Optional.of("an Events API body must be a JSON object with a type");
    }
    Map<String, String> form = new HashMap<>();
    for (String pair : text.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        form.put(key, value);
      } catch (IllegalArgumentException e) {
        return Optional.of("the form body is not correctly URL-encoded");
      }
    }
    if (form.containsKey("payload")) {
      return interaction(parse(form.get("payload")));
    }
    if (form.containsKey("command")) {
      return form.getOrDefault("user_id", "").isBlank() || form.getOrDefault("trigger_id", "").isBlank()
          ? Optional.of("a slash command needs user_id and trigger_id") : Optional.empty();
    }
    if (form.containsKey("ssl_check")) {
      return Optional.empty();
    }
    return Optional.of("the body is not a Slack command, interaction or event");
  }

  private static Optional<String> interaction(JsonNode payload) {
    if (payload == null || !payload.path("type").isTextual()) {
      return Optional.of("payload must be a JSON object with a type");
    }
    String type = payload.path("type").asText();
    if (!payload.path("user").path("id").isTextual()) {
      return Optional.of("a " + type + " payload needs user.id");
    }
    switch (type) {
      case "block_actions" -> {
        JsonNode actions = payload.path("actions");
        if (!actions.isArray() || actions.isEmpty() || !actions.get(0).path("action_id").isTextual()) {
          return Optional.of("a block_actions payload needs actions with an action_id");
        }
      }
      case "view_submission", "view_closed" -> {
        JsonNode view = payload.path("view");
        if (!view.path("callback_id").isTextual() || !view.path("id").isTextual()) {
          return Optional.of("a " + type + " payload needs view.id and view.callback_id");
        }
        if (type.equals("view_submission") && !view.path("state").path("values").isObject()) {
          return Optional.of("a view_submission payload needs view.state.values");
        }
      }
      case "shortcut", "message_action" -> {
        if (!payload.path("callback_id").isTextual() || !payload.path("trigger_id").isTextual()) {
          return Optional.of("a " + type + " payload needs callback_id and trigger_id");
        }
      }
      default -> { }
    }
    return Optional.empty();
  }

  private static JsonNode parse(String json) {
    try {
      JsonNode node = JSON.readTree(json);
      return node != null && node.isObject() ? node : null;
    } catch (Exception e) {
      return null;
    }
  }
}
