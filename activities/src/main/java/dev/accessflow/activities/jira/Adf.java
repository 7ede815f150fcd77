package dev.accessflow.activities.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.AuditEntry;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Atlassian Document Format (ADF): builds the documents accessflow writes to Jira (the issue
 * description and one comment per audit step) and checks a document against the subset of the
 * ADF structure we rely on ({@link #problems}). Jira rejects a comment with a malformed body, so
 * tests run every body we send through the check.
 */
public final class Adf {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Adf() {}

  // ---- building blocks ----

  /** A document (version 1) holding the given block nodes. */
  public static ObjectNode doc(List<ObjectNode> blocks) {
    ObjectNode doc = NODES.objectNode().put("type", "doc").put("version", 1);
    doc.putArray("content").addAll(blocks);
    return doc;
  }

  /** A paragraph of inline nodes; empty text nodes are left out (ADF forbids them). */
  public static ObjectNode paragraph(ObjectNode... inline) {
    ObjectNode paragraph = NODES.objectNode().put("type", "paragraph");
    ArrayNode content = paragraph.putArray("content");
    for (ObjectNode node : inline) {
      if (node != null) {
        content.add(node);
      }
    }
    return paragraph;
  }

  /** Plain text; null when the text is empty. */
  public static ObjectNode text(String text) {
    return text == null || text.isEmpty() ? null : NODES.objectNode().put("type", "text").put("text", text);
  }

  /** Bold text; null when the text is empty. */
  public static ObjectNode strong(String text) {
    return marked(text, "strong");
  }

  /** Monospace text; null when the text is empty. */
  public static ObjectNode code(String text) {
    return marked(text, "code");
  }

  /** A bullet list; each item is one paragraph. */
  public static ObjectNode bulletList(List<ObjectNode> itemParagraphs) {
    ObjectNode list = NODES.objectNode().put("type", "bulletList");
    ArrayNode items = list.putArray("content");
    for (ObjectNode paragraph : itemParagraphs) {
      ObjectNode item = NODES.objectNode().put("type", "listItem");
      item.putArray("content").add(paragraph);
      items.add(item);
    }
    return list;
  }

  /** Text spread over lines joined by hard breaks (a newline inside a text node does not render). */
  public static ObjectNode multilineParagraph(String text) {
    List<ObjectNode> inline = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        inline.add(NODES.objectNode().put("type", "hardBreak"));
      }
      ObjectNode line = text(lines[i]);
      if (line != null) {
        inline.add(line);
      }
    }
    return paragraph(inline.toArray(ObjectNode[]::new));
  }

  private static ObjectNode marked(String text, String mark) {
    ObjectNode node = text(text);
    if (node != null) {
      node.putArray("marks").addObject().put("type", mark);
    }
    return node;
  }

  // ---- accessflow documents ----

  /** The marker that identifies the comment of one audit step, so a retry can see it was written. */
  public static String marker(String requestId, long sequence) {
    return "[accessflow " + requestId + " #" + sequence + "]";
  }

  /** One audit step as a comment: kind and time in bold, the text, the status, and the marker. */
  public static ObjectNode auditComment(String requestId, AuditEntry entry) {
    List<ObjectNode> blocks = new ArrayList<>();
    blocks.add(paragraph(
        strong(humanize(entry.kind() == null ? "STEP" : entry.kind().name())),
        text(" · " + (entry.at() == null ? "" : DateTimeFormatter.ISO_INSTANT.format(entry.at().truncatedTo(ChronoUnit.SECONDS))))));
    if (entry.text() != null && !entry.text().isBlank()) {
      blocks.add(multilineParagraph(entry.text().strip()));
    }
    blocks.add(paragraph(
        text("Request status: "),
        code(entry.status() == null ? "UNKNOWN" : entry.status().name()),
        text(" " + marker(requestId, entry.sequence()))));
    return doc(blocks);
  }

  /** The issue description: the request's facts as a list. */
  public static ObjectNode requestDescription(AccessRequest request) {
    List<ObjectNode> facts = new ArrayList<>();
    fact(facts, "Requester", request.requester());
    fact(facts, "App", request.app());
    fact(facts, "Role", request.role());
    fact(facts, "Groups", request.groups().isEmpty() ? null : request.groupLabels());
    fact(facts, "Duration", request.duration() == null ? null : human(request.duration()));
    fact(facts, "Longest allowed", request.maxDuration() == null ? null : human(request.maxDuration()));
    fact(facts, "Risk tier", request.riskTier());
    fact(facts, "Reason", request.reason());
    fact(facts, "Requested via", request.source() == null ? null : humanize(request.source().name()));
    fact(facts, "Approval route", request.route().isEmpty() ? null : route(request.route()));
    fact(facts, "Request id", request.requestId());
    List<ObjectNode> blocks = new ArrayList<>();
    blocks.add(paragraph(text("Just-in-time access request managed by accessflow. Every step is added below as a comment.")));
    blocks.add(bulletList(facts));
    return doc(blocks);
  }

  private static String route(List<ApprovalStage> stages) {
    List<String> names = new ArrayList<>();
    for (ApprovalStage stage : stages) {
      names.add(stage.name() + " (" + stage.required() + " of " + stage.approvers().size() + ")");
    }
    return String.join(" -> ", names);
  }

  private static void fact(List<ObjectNode> facts, String label, String value) {
    if (value != null && !value.isBlank()) {
      facts.add(paragraph(strong(label + ": "), text(value.strip())));
    }
  }

  /** "APPROVAL_TIMED_OUT" -> "Approval timed out". */
  static String humanize(String enumName) {
    String words = enumName.toLowerCase(Locale.ROOT).replace('_', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  /** A short duration: "45m", "4h", "1d 2h", "90s". */
  static String human(Duration d) {
    if (d.isZero() || d.isNegative()) {
      return d.toString();
    }
    List<String> parts = new ArrayList<>();
    long days = d.toDays();
    int hours = d.toHoursPart();
    int minutes = d.toMinutesPart();
    int seconds = d.toSecondsPart();
    if (days > 0) parts.add(days + "d");
    if (hours > 0) parts.add(hours + "h");
    if (minutes > 0) parts.add(minutes + "m");
    if (seconds > 0 || parts.isEmpty()) parts.add(seconds + "s");
    return String.join(" ", parts);
  }

  /** True when any text node of the document contains {@code needle}. */
  /** A document's text: each paragraph (or other block) on its own line, hard breaks as line breaks. */
  public static String plainText(JsonNode node) {
    StringBuilder text = new StringBuilder();
    appendText(node, text);
    return text.toString().strip();
  }

  private static void appendText(JsonNode node, StringBuilder text) {
    if (node == null) {
      return;
    }
    String type = node.path("type").asText();
    if ("text".equals(type)) {
      text.append(node.path("text").asText());
    } else if ("hardBreak".equals(type)) {
      text.append('\n');
    }
    for (JsonNode child : node.path("content")) {
      appendText(child, text);
    }
    if (BLOCKS.contains(type) || "listItem".equals(type)) {
      text.append('\n');
    }
  }

  public static boolean containsText(JsonNode node, String needle) {
    if (node == null) {
      return false;
    }
    if (node.isObject() && "text".equals(node.path("type").asText()) && node.path("text").asText().contains(needle)) {
      return true;
    }
    for (JsonNode child : node.path("content")) {
      if (containsText(child, needle)) {
        return true;
      }
    }
    return false;
  }

  // ---- validation ----

  private static final Set<String> BLOCKS = Set.of("paragraph", "heading", "bulletList", "orderedList", "codeBlock", "rule", "blockquote");
  private static final Set<String> INLINE = Set.of("text", "hardBreak");
  private static final Set<String> LIST_ITEM_CHILDREN = Set.of("paragraph", "bulletList", "orderedList", "codeBlock");
  private static final Set<String> QUOTE_CHILDREN = Set.of("paragraph", "bulletList", "orderedList", "codeBlock");
  private static final Set<String> MARKS = Set.of("strong", "em", "code", "strike", "underline", "link", "subsup", "textColor");
  private static final Set<String> NODE_KEYS = Set.of("type", "content", "attrs", "marks", "text");

  /**
   * What is wrong with a document as ADF (empty when it is valid), checked against the structure
   * Atlassian documents: root {@code doc} with {@code version: 1}; block nodes paragraph, heading
   * (attrs.level 1-6), bulletList/orderedList (listItem children only), listItem, codeBlock (plain
   * text only), rule, blockquote; inline text (non-empty, valid marks; link needs attrs.href; code
   * combines only with link) and hardBreak. Anything else is reported.
   */
  public static List<String> problems(JsonNode doc) {
    List<String> problems = new ArrayList<>();
    if (doc == null || !doc.isObject()) {
      problems.add("$: document must be a JSON object");
      return problems;
    }
    if (!"doc".equals(doc.path("type").asText(null))) {
      problems.add("$.type: must be \"doc\"");
    }
    if (!doc.path("version").isInt() || doc.path("version").intValue() != 1) {
      problems.add("$.version: must be the integer 1");
    }
    for (Iterator<String> names = doc.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!Set.of("type", "version", "content").contains(name)) {
        problems.add("$." + name + ": not allowed on doc");
      }
    }
    children(doc, "$", BLOCKS, true, problems);
    return problems;
  }

  private static void children(JsonNode parent, String path, Set<String> allowed, boolean required, List<String> problems) {
    JsonNode content = parent.get("content");
    if (content == null) {
      if (required) {
        problems.add(path + ".content: required");
      }
      return;
    }
    if (!content.isArray()) {
      problems.add(path + ".content: must be an array");
      return;
    }
    for (int i = 0; i < content.size(); i++) {
      node(content.get(i), path + ".content[" + i + "]", allowed, problems);
    }
  }

  private static void node(JsonNode node, String path, Set<String> allowed, List<String> problems) {
    if (!node.isObject()) {
      problems.add(path + ": must be an object");
      return;
    }
    String type = node.path("type").asText(null);
    if (type == null || !allowed.contains(type)) {
      problems.add(path + ".type: " + (type == null ? "missing" : "\"" + type + "\" not allowed here; expected one of " + new java.util.TreeSet<>(allowed)));
      return;
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!NODE_KEYS.contains(name)) {
        problems.add(path + "." + name + ": not an ADF node property");
      }
    }
    if (!"text".equals(type) && node.has("text")) {
      problems.add(path + ".text: only text nodes carry text");
    }
    if (!"text".equals(type) && node.has("marks")) {
      problems.add(path + ".marks: only text nodes carry marks");
    }
    switch (type) {
      case "paragraph" -> children(node, path, INLINE, false, problems);
      case "heading" -> {
        JsonNode level = node.path("attrs").path("level");
        if (!level.isInt() || level.intValue() < 1 || level.intValue() > 6) {
          problems.add(path + ".attrs.level: heading needs an integer level 1-6");
        }
        children(node, path, INLINE, false, problems);
      }
      case "bulletList", "orderedList" -> {
        nonEmpty(node, path, problems);
        children(node, path, Set.of("listItem"), true, problems);
        JsonNode order = node.path("attrs").path("order");
        if ("orderedList".equals(type) && !order.isMissingNode() && (!order.isInt() || order.intValue() < 0)) {
          problems.add(path + ".attrs.order: must be a non-negative integer");
        }
      }
      case "listItem" -> {
        nonEmpty(node, path, problems);
        children(node, path, LIST_ITEM_CHILDREN, true, problems);
      }
      case "blockquote" -> {
        nonEmpty(node, path, problems);
        children(node, path, QUOTE_CHILDREN, true, problems);
      }
      case "codeBlock" -> {
        children(node, path, Set.of("text"), false, problems);
        for (JsonNode child : node.path("content")) {
          if (child.has("marks")) {
            problems.add(path + ": text inside codeBlock cannot have marks");
          }
        }
      }
      case "rule", "hardBreak" -> {
        if (node.has("content")) {
          problems.add(path + ".content: " + type + " has no content");
        }
      }
      case "text" -> text(node, path, problems);
      default -> problems.add(path + ".type: unhandled " + type);
    }
  }

  private static void nonEmpty(JsonNode node, String path, List<String> problems) {
    if (node.path("content").isArray() && node.path("content").isEmpty()) {
      problems.add(path + ".content: must not be empty");
    }
  }

  private static void text(JsonNode node, String path, List<String> problems) {
    JsonNode text = node.get("text");
    if (text == null || !text.isTextual() || text.asText().isEmpty()) {
      problems.add(path + ".text: text node needs a non-empty string");
    }
    if (node.has("content")) {
      problems.add(path + ".content: text nodes have no content");
    }
    JsonNode marks = node.get("marks");
    if (marks == null) {
      return;
    }
    if (!marks.isArray()) {
      problems.add(path + ".marks: must be an array");
      return;
    }
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < marks.size(); i++) {
      JsonNode mark = marks.get(i);
      String markPath = path + ".marks[" + i + "]";
      String type = mark.path("type").asText(null);
      if (type == null || !MARKS.contains(type)) {
        problems.add(markPath + ".type: " + (type == null ? "missing" : "unknown mark \"" + type + "\""));
        continue;
      }
      if (!seen.add(type)) {
        problems.add(markPath + ": mark " + type + " repeated");
      }
      if ("link".equals(type) && !mark.path("attrs").path("href").isTextual()) {
        problems.add(markPath + ".attrs.href: link needs an href");
      }
      if ("textColor".equals(type) && !mark.path("attrs").path("color").asText("").matches("#[0-9a-fA-F]{6}")) {
        problems.add(markPath + ".attrs.color: textColor needs #rrggbb");
      }
      if ("subsup".equals(type) && !Set.of("sub", "sup").contains(mark.path("attrs").path("type").asText(""))) {
        problems.add(markPath + ".attrs.type: subsup needs sub or sup");
      }
    }
    if (seen.contains("code") && !Set.of("code", "link").containsAll(seen)) {
      problems.add(path + ".marks: code combines only with link");
    }
  }
}
