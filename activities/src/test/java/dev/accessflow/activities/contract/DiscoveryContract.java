package dev.accessflow.activities.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Checks the HTTP requests an adapter sent to a WireMock stub against a Google API discovery
 * document: the method (HTTP verb and path template), each path and query parameter (declared by
 * the method or the document, required ones present, values matching the declared pattern and
 * enum), a bearer token, and the request body's fields against the method's request schema. A
 * request the document does not describe is a violation.
 */
public final class DiscoveryContract {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One method of the document. */
  private record Method(String id, String httpMethod, Pattern path, List<String> pathNames, JsonNode parameters,
      String requestSchema, int literal) {}

  private final Path document;
  private final JsonNode root;
  private final List<Method> methods = new ArrayList<>();

  private DiscoveryContract(Path document, JsonNode root) {
    this.document = document;
    this.root = root;
    collect(root.path("resources"));
  }

  /** Loads a discovery document, e.g. {@code load(OpenApiContract.vendorSpec("google/admin.directory_v1.json"))}. */
  public static DiscoveryContract load(Path document) {
    try {
      return new DiscoveryContract(document, JSON.readTree(Files.readAllBytes(document)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + document, e);
    }
  }

  /** How many methods the document describes (a test that this is not vacuous). */
  public int methodCount() {
    return methods.size();
  }

  private void collect(JsonNode resources) {
    for (Iterator<JsonNode> it = resources.elements(); it.hasNext(); ) {
      JsonNode resource = it.next();
      for (Iterator<JsonNode> m = resource.path("methods").elements(); m.hasNext(); ) {
        JsonNode method = m.next();
        String template = root.path("servicePath").asText("") + method.path("path").asText();
        List<String> names = new ArrayList<>();
        Matcher vars = Pattern.compile("\\{(\\+?)([^}]+)\\}").matcher(template);
        StringBuilder regex = new StringBuilder("/");
        int last = 0;
        while (vars.find()) {
          regex.append(Pattern.quote(template.substring(last, vars.start())));
          regex.append(vars.group(1).isEmpty() ? "([^/]+)" : "(.+)");
          names.add(vars.group(2));
          last = vars.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        JsonNode request = method.path("request").path("$ref");
        methods.add(new Method(method.path("id").asText(), method.path("httpMethod").asText(),
            Pattern.compile(regex.toString()), names, method.path("parameters"), request.isMissingNode() ? null : request.asText(),
            template.replaceAll("\\{[^}]+\\}", "").length()));
      }
      collect(resource.path("resources"));
    }
  }

  /** Why the document does not allow this request; empty when it does. */
  public List<String> violations(LoggedRequest logged) {
    URI uri = URI.create(logged.getUrl());
    String what = logged.getMethod().getName() + " " + uri.getRawPath();
    List<String> problems = new ArrayList<>();
    Method method = null;
    Matcher matched = null;
    for (Method candidate : methods) {
      Matcher m = candidate.path().matcher(uri.getRawPath());
      if (candidate.httpMethod().equalsIgnoreCase(logged.getMethod().getName()) && m.matches()
          // The most specific template wins: users/{userKey} over a catch-all {+name}.
          && (method == null || candidate.literal() > method.literal())) {
        method = candidate;
        matched = m;
      }
    }
    if (method == null) {
      problems.add(what + ": no method of " + document.getFileName() + " has this verb and path");
      return problems;
    }
    return check(logged, uri, what, method, matched, problems);
  }

  private List<String> check(LoggedRequest logged, URI uri, String what, Method method, Matcher matched,
      List<String> problems) {
    for (int i = 0; i < method.pathNames().size(); i++) {
      String value = URLDecoder.decode(matched.group(i + 1), StandardCharsets.UTF_8);
      problems.addAll(checkValue(what, method.pathNames().get(i), value, method.parameters().path(method.pathNames().get(i))));
    }
    Map<String, String> query = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    query.forEach((name, value) -> {
      JsonNode declared = method.parameters().has(name) ? method.parameters().path(name) : root.path("parameters").path(name);
      if (declared.isMissingNode() || !"query".equals(declared.path("location").asText())) {
        problems.add(what + ": query parameter " + name + " is not a parameter of " + method.id());
      } else {
        problems.addAll(checkValue(what, name, value, declared));
      }
    });
    method.parameters().fields().forEachRemaining(p -> {
      if (p.getValue().path("required").asBoolean(false) && "query".equals(p.getValue().path("location").asText())
          && !query.containsKey(p.getKey())) {
        problems.add(what + ": required query parameter " + p.getKey() + " of " + method.id() + " is missing");
      }
    });
    HttpHeader auth = logged.getHeaders() == null ? null : logged.getHeaders().getHeader("Authorization");
    if (auth == null || !auth.isPresent() || auth.values().stream().noneMatch(v -> v.matches("Bearer \\S+"))) {
      problems.add(what + ": no Authorization: Bearer token");
    }
    problems.addAll(checkBody(what, method, logged.getBody()));
    return problems;
  }

  private List<String> checkValue(String what, String name, String value, JsonNode declared) {
    List<String> problems = new ArrayList<>();
    String pattern = declared.path("pattern").asText(null);
    if (pattern != null && !Pattern.compile(pattern).matcher(value).matches()) {
      problems.add(what + ": " + name + "='" + value + "' does not match " + pattern);
    }
    if (declared.has("enum")) {
      List<String> allowed = new ArrayList<>();
      declared.path("enum").forEach(e -> allowed.add(e.asText()));
      if (!allowed.contains(value)) {
        problems.add(what + ": " + name + "='" + value + "' is not one of " + allowed);
      }
    }
    String type = declared.path("type").asText("");
    if (type.equals("integer") && !value.matches("-?\\d+") || type.equals("boolean") && !value.matches("true|false")) {
      problems.add(what + ": " + name + "='" + value + "' is not a " + type);
    }
    return problems;
  }

  private List<String> checkBody(String what, Method method, byte[] raw) {
    List<String> problems = new ArrayList<>();
    byte[] body = gunzipped(raw);
    if (method.requestSchema() == null) {
      if (body != null && body.length > 0) {
        problems.add(what + ": " + method.id() + " takes no request body");
      }
      return problems;
    }
    JsonNode json;
    try {
      json = body == null || body.length == 0 ? null : JSON.readTree(body);
    } catch (IOException e) {
      problems.add(what + ": the body is not JSON");
      return problems;
    }
    if (json == null || !json.isObject()) {
      problems.add(what + ": " + method.id() + " takes a " + method.requestSchema() + " object");
      return problems;
    }
    JsonNode properties = root.path("schemas").path(method.requestSchema()).path("properties");
    json.fieldNames().forEachRemaining(field -> {
      if (!properties.has(field)) {
        problems.add(what + ": " + field + " is not a field of " + method.requestSchema());
      }
    });
    return problems;
  }

  private static byte[] gunzipped(byte[] body) {
    if (body == null || body.length < 2 || (body[0] & 0xff) != 0x1f || (body[1] & 0xff) != 0x8b) {
      return body;
    }
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    } catch (IOException e) {
      return body;
    }
  }

  /** Every violation of every request the server received, oldest first. */
  public List<String> violations(WireMockServer server) {
    List<String> problems = new ArrayList<>();
    server.getAllServeEvents().stream().sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
        .map(ServeEvent::getRequest).forEach(r -> problems.addAll(violations(r)));
    return problems;
  }

  /** Fails unless the document allows every request the server received; returns how many were checked. */
  public int assertAllowed(WireMockServer server) {
    List<String> problems = violations(server);
    if (!problems.isEmpty()) {
      throw new AssertionError("requests not described by " + document.getFileName() + ":\n  " + String.join("\n  ", problems));
    }
    return server.getAllServeEvents().size();
  }
}
