package dev.accessflow.activities.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Checks the HTTP requests an adapter sent to a WireMock stub against the vendor's own OpenAPI 3
 * document: method, path (and its parameters), query and header parameters, security headers and
 * the request body schema. A request the spec does not allow is a violation, so a stub that
 * happily answers a wrong call cannot make a test pass. Vendor-neutral: load any spec file.
 *
 * <p>Typical use, at the end of a test: {@code contract.assertAllowed(wireMock)}.
 */
public final class OpenApiContract {

  /** Parsed specs by file: the vendor specs are megabytes, so each is parsed once per test JVM. */
  private static final Map<Path, OpenAPI> PARSED = new ConcurrentHashMap<>();

  private final Path spec;
  private final OpenApiInteractionValidator validator;
  private final Map<String, Pattern> requiredHeaders;

  private OpenApiContract(Path spec, OpenApiInteractionValidator validator, Map<String, Pattern> requiredHeaders) {
    this.spec = spec;
    this.validator = validator;
    this.requiredHeaders = Map.copyOf(requiredHeaders);
  }

  /**
   * Finds a vendor spec of the shared folder, e.g. {@code vendorSpec("okta/management-minimal.yaml")}:
   * under the system property {@code accessflow.specs.dir} if set, else in the nearest
   * {@code shared/specs} folder above (or beside) the working directory. Fails when it is absent:
   * a contract test that silently skips proves nothing.
   */
  public static Path vendorSpec(String relative) {
    String configured = System.getProperty("accessflow.specs.dir");
    if (configured != null) {
      return require(Path.of(configured).resolve(relative));
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      // The repository's own copy (specs/) first, so a clean clone needs nothing beside it.
      for (String folder : new String[] {"specs", "shared/specs"}) {
        Path candidate = dir.resolve(folder).resolve(relative);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    return require(Path.of("/work/shared/specs").resolve(relative));
  }

  private static Path require(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("vendor spec not found: " + file + " (set -Daccessflow.specs.dir)");
    }
    return file;
  }

  /** Loads (or reuses) the spec at {@code spec}; YAML or JSON. */
  /** How many times a spec was parsed in this JVM (each spec once: the parse takes seconds). */
  static final java.util.concurrent.atomic.AtomicInteger PARSES = new java.util.concurrent.atomic.AtomicInteger();

  public static OpenApiContract load(Path spec) {
    Path key = spec.toAbsolutePath().normalize();
    OpenAPI api = PARSED.computeIfAbsent(key, OpenApiContract::parse);
    // The validator is cheap next to the parse; a fresh one per contract keeps instances independent.
    return new OpenApiContract(key, OpenApiInteractionValidator.createFor(api).build(), Map.of());
  }

  /**
   * Also require a header whose value matches {@code regex} on every request. OpenAPI's apiKey
   * scheme only says a header must be present; this pins its form (e.g. {@code SSWS \S+}).
   */
  public OpenApiContract requireHeader(String name, String regex) {
    Map<String, Pattern> headers = new LinkedHashMap<>(requiredHeaders);
    headers.put(name.toLowerCase(Locale.ROOT), Pattern.compile(regex));
    return new OpenApiContract(spec, validator, headers);
  }

  /** Why the spec does not allow this request; empty when it does. */
  public List<String> violations(LoggedRequest logged) {
    String url = logged.getUrl();
    String what = logged.getMethod().getName() + " " + url;
    List<String> problems = new ArrayList<>();
    ValidationReport report = validator.validateRequest(toRequest(logged));
    for (ValidationReport.Message message : report.getMessages()) {
      if (message.getLevel() == ValidationReport.Level.ERROR) {
        problems.add(what + ": " + message.getKey() + ": " + message.getMessage());
      }
    }
    requiredHeaders.forEach((name, pattern) -> {
      HttpHeader header = logged.getHeaders() == null ? null : logged.getHeaders().getHeader(name);
      if (header == null || !header.isPresent()) {
        problems.add(what + ": required header " + name + " is missing");
      } else if (header.values().stream().noneMatch(v -> pattern.matcher(v).matches())) {
        // Never echo the value: it is usually a credential.
        problems.add(what + ": header " + name + " does not match " + pattern.pattern());
      }
    });
    return problems;
  }

  /** Every violation of every request the server received, oldest first. */
  public List<String> violations(WireMockServer server) {
    List<String> problems = new ArrayList<>();
    server.getAllServeEvents().stream()
        .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
        .map(ServeEvent::getRequest)
        .forEach(r -> problems.addAll(violations(r)));
    return problems;
  }

  /**
   * Fails unless every request the server received is allowed by the spec. Returns how many
   * requests were checked, so a test can also assert that the check was not vacuous.
   */
  public int assertAllowed(WireMockServer server) {
    List<String> problems = violations(server);
    if (!problems.isEmpty()) {
      throw new AssertionError("requests not allowed by " + spec.getFileName() + ":\n  " + String.join("\n  ", problems));
    }
    return server.getAllServeEvents().size();
  }

  private static Request toRequest(LoggedRequest logged) {
    URI uri = URI.create(logged.getUrl());
    SimpleRequest.Builder builder = new SimpleRequest.Builder(logged.getMethod().getName(), uri.getRawPath());
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = decode(eq < 0 ? pair : pair.substring(0, eq));
        String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
        builder.withQueryParam(name, value);
      }
    }
    if (logged.getHeaders() != null) {
      for (HttpHeader header : logged.getHeaders().all()) {
        builder.withHeader(header.key(), header.values());
      }
    }
    byte[] body = logged.getBody();
    if (body != null && body.length > 0) {
      builder.withBody(body);
    }
    return builder.build();
  }

  private static String decode(String value) {
    return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
  }

  private static OpenAPI parse(Path spec) {
    PARSES.incrementAndGet();
    try {
      // SnakeYAML refuses documents over 3 MB by default; vendor specs are bigger (Okta: 3.4 MB).
      LoaderOptions limits = new LoaderOptions();
      limits.setCodePointLimit(64 * 1024 * 1024);
      ObjectMapper mapper = spec.toString().endsWith(".json")
          ? new ObjectMapper()
          : new ObjectMapper(YAMLFactory.builder().loaderOptions(limits).build());
      JsonNode root = mapper.readTree(Files.readAllBytes(spec));
      // Examples play no part in request validation, and vendor specs carry broken $refs inside
      // them (Okta: 11 dangling refs in examples). Dropping them lets a strict resolver load the rest.
      stripExamples(root, false);
      ParseOptions options = new ParseOptions();
      options.setResolve(true);
      SwaggerParseResult result = new OpenAPIV3Parser().readContents(new ObjectMapper().writeValueAsString(root), null, options);
      if (result.getOpenAPI() == null) {
        throw new IllegalStateException("cannot parse " + spec + ": " + result.getMessages());
      }
      return inlineRequestBodies(result.getOpenAPI());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + spec, e);
    }
  }

  /**
   * Replaces a request body that is only a {@code $ref} to {@code components/requestBodies} with
   * the body it names. The parser leaves those unresolved (Graph's {@code refPostBody}), and the
   * validator then has no content to check the body against.
   */
  private static OpenAPI inlineRequestBodies(OpenAPI api) {
    var bodies = api.getComponents() == null ? null : api.getComponents().getRequestBodies();
    if (bodies == null || api.getPaths() == null) {
      return api;
    }
    api.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
      var body = operation.getRequestBody();
      if (body != null && body.getContent() == null && body.get$ref() != null) {
        var named = bodies.get(body.get$ref().substring(body.get$ref().lastIndexOf('/') + 1));
        if (named != null) {
          operation.setRequestBody(named);
        }
      }
    }));
    return api;
  }

  /**
   * Removes every {@code example}/{@code examples} member, except where those words are names of
   * schema properties (the keys of a {@code properties} map).
   */
  private static void stripExamples(JsonNode node, boolean keysAreNames) {
    if (node instanceof ObjectNode object) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String name = field.getKey();
        if (!keysAreNames && (name.equals("example") || name.equals("examples"))) {
          fields.remove();
        } else {
          stripExamples(field.getValue(), !keysAreNames && name.equals("properties"));
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(child -> stripExamples(child, false));
    }
  }
}
