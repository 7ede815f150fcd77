package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.accessflow.api.slack.SlackRequestVerifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Slack as a client of the process: signed slash commands, button clicks and modal submissions,
 * each interaction payload checked against the shape in specs/slack before it is sent.
 */
final class SlackPayloads {
  static final String SECRET = "slack-test-signing-secret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SlackRequestVerifier SIGNER = new SlackRequestVerifier(SECRET, Clock.systemUTC());
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI endpoint;

  SlackPayloads(int port) {
    this.endpoint = URI.create("http://127.0.0.1:" + port + "/slack/events");
  }

  record Reply(int status, String body, long nanos) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The /access slash command as Slack form-encodes it. */
  static String slashCommand(String userId, String triggerId) {
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    String[] pairs = {"token", "legacy", "team_id", "T1", "team_domain", "acme", "channel_id", "C1", "channel_name", "general",
        "user_id", userId, "user_name", userId.toLowerCase(), "command", "/access", "text", "",
        "response_url", "https://hooks.slack.invalid/commands/1", "trigger_id", triggerId};
    for (int i = 0; i < pairs.length; i += 2) {
      fields.put(pairs[i], pairs[i + 1]);
    }
    return form(fields);
  }

  /** A click on a button of a DM accessflow posted (BlockActionPayload.json shape). */
  static String click(String actionId, String requestId, String userId, String channelId, String messageTs, String actionTs,
      String responseUrl) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "block_actions");
    p.putObject("team").put("id", "T1").put("domain", "acme");
    p.putObject("user").put("id", userId).put("username", userId.toLowerCase()).put("name", userId.toLowerCase()).put("team_id", "T1");
    p.put("api_app_id", "A1");
    p.put("token", "legacy");
    p.putObject("container").put("type", "message").put("message_ts", messageTs).put("channel_id", channelId)
        .put("is_ephemeral", false);
    p.put("trigger_id", "trigger-" + actionTs);
    p.putObject("channel").put("id", channelId).put("name", "directmessage");
    p.put("response_url", responseUrl);
    ArrayNode actions = p.putArray("actions");
    actions.addObject().put("action_id", actionId).put("block_id", "decision:" + requestId).put("value", requestId)
        .put("type", "button").put("action_ts", actionTs)
        .putObject("text").put("type", "plain_text").put("text", actionId).put("emoji", false);
    return interaction(p, "BlockActionPayload.json");
  }

  /** A role picked in the open request modal (a block_actions from a view). */
  static String chooseRole(String userId, String viewId, String appRole) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "block_actions");
    p.putObject("team").put("id", "T1").put("domain", "acme");
    p.putObject("user").put("id", userId).put("username", userId.toLowerCase()).put("name", userId.toLowerCase()).put("team_id", "T1");
    p.put("api_app_id", "A1");
    p.put("token", "legacy");
    p.putObject("container").put("type", "view").put("view_id", viewId);
    p.put("trigger_id", "trigger-role-" + viewId);
    ObjectNode view = p.putObject("view");
    view.put("id", viewId).put("team_id", "T1").put("type", "modal").put("callback_id", "access_request")
        .put("private_metadata", "").put("hash", "hash-" + viewId).put("app_id", "A1");
    view.putObject("state").putObject("values");
    ObjectNode action = p.putArray("actions").addObject();
    action.put("action_id", "access_role").put("block_id", "role").put("type", "static_select").put("action_ts", "1.1");
    ObjectNode selected = action.putObject("selected_option");
    selected.put("value", appRole);
    selected.putObject("text").put("type", "plain_text").put("text", appRole).put("emoji", false);
    return interaction(p, "BlockActionPayload.json");
  }

  /** A modal with one text input submitted (ViewSubmissionPayload.json shape). */
  static String submitText(String userId, String viewId, String callbackId, String privateMetadata, String block,
      String action, String value) {
    ObjectNode p = viewSubmission(userId, viewId, callbackId, privateMetadata, "Form");
    ((ObjectNode) p.path("view")).putObject("state").putObject("values").putObject(block).putObject(action)
        .put("type", "plain_text_input").put("value", value);
    return interaction(p, "ViewSubmissionPayload.json");
  }

  /** A view_submission of a modal, its state still empty. */
  private static ObjectNode viewSubmission(String userId, String viewId, String callbackId, String privateMetadata,
      String title) {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "view_submission");
    p.putObject("team").put("id", "T1").put("domain", "acme");
    p.putObject("user").put("id", userId).put("username", userId.toLowerCase()).put("name", userId.toLowerCase()).put("team_id", "T1");
    p.put("api_app_id", "A1");
    p.put("token", "legacy");
    p.put("trigger_id", "trigger-" + viewId);
    ObjectNode view = p.putObject("view");
    view.put("id", viewId).put("team_id", "T1").put("type", "modal").put("callback_id", callbackId)
        .put("private_metadata", privateMetadata).put("hash", "h-" + viewId).put("app_id", "A1");
    view.putObject("title").put("type", "plain_text").put("text", title).put("emoji", false);
    return p;
  }

  /** The request modal submitted (ViewSubmissionPayload.json shape); null choices are left out. */
  static String submitRequest(String userId, String viewId, String appRole, String duration, String reason) {
    ObjectNode p = viewSubmission(userId, viewId, "access_request", "", "Request access");
    ObjectNode values = ((ObjectNode) p.path("view")).putObject("state").putObject("values");
    if (appRole != null) {
      values.putObject("role").putObject("access_role").put("type", "static_select")
          .putObject("selected_option").put("value", appRole).putObject("text").put("type", "plain_text").put("text", appRole);
    }
    if (duration != null) {
      values.putObject("duration").putObject("access_duration").put("type", "static_select")
          .putObject("selected_option").put("value", duration).putObject("text").put("type", "plain_text").put("text", duration);
    }
    values.putObject("reason").putObject("access_reason").put("type", "plain_text_input").put("value", reason);
    return interaction(p, "ViewSubmissionPayload.json");
  }

  /** POSTs a body signed now, as Slack would. */
  Reply send(String body) {
    String ts = Long.toString(Instant.now().getEpochSecond());
    return send(body, ts, SIGNER.sign(ts, body.getBytes(StandardCharsets.UTF_8)));
  }

  Reply send(String body, String timestamp, String signature) {
    return send(body.getBytes(StandardCharsets.UTF_8), timestamp, signature);
  }

  /** Any bytes, signed now with the real secret. */
  Reply sendSigned(byte[] body) {
    String ts = Long.toString(Instant.now().getEpochSecond());
    return send(body, ts, SIGNER.sign(ts, body));
  }

  Reply send(byte[] body, String timestamp, String signature) {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (timestamp != null) {
      request.header("X-Slack-Request-Timestamp", timestamp);
    }
    if (signature != null) {
      request.header("X-Slack-Signature", signature);
    }
    long started = System.nanoTime();
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body(), System.nanoTime() - started);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String sign(String timestamp, String body) {
    return SIGNER.sign(timestamp, body.getBytes(StandardCharsets.UTF_8));
  }

  private static String interaction(ObjectNode payload, String spec) {
    List<String> problems = new ArrayList<>();
    conforms(payload, spec(spec), "", problems);
    assertThat(problems).as("test payload against specs/slack/" + spec).isEmpty();
    return "payload=" + URLEncoder.encode(payload.toString(), StandardCharsets.UTF_8);
  }

  /** Every field we send exists in Slack's sample with the same JSON type; an empty sample object is free-form. */
  private static void conforms(JsonNode ours, JsonNode spec, String path, List<String> problems) {
    if (spec.isObject() && spec.isEmpty()) {
      return;
    }
    if (ours.getNodeType() != spec.getNodeType() && !(ours.isNumber() && spec.isNumber())) {
      problems.add(path + ": " + ours.getNodeType() + " where Slack sends " + spec.getNodeType());
      return;
    }
    if (ours.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = ours.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode expected = spec.get(field.getKey());
        if (expected == null) {
          problems.add(path + "." + field.getKey() + ": not a field of Slack's payload");
        } else {
          conforms(field.getValue(), expected, path + "." + field.getKey(), problems);
        }
      }
    } else if (ours.isArray() && !spec.isEmpty()) {
      for (JsonNode element : ours) {
        conforms(element, spec.get(0), path + "[]", problems);
      }
    }
  }

  private static JsonNode spec(String name) {
    try {
      return JSON.readTree(Files.readString(Path.of("../specs/slack", name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String form(Map<String, String> fields) {
    StringBuilder body = new StringBuilder();
    fields.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return body.toString();
  }
}
