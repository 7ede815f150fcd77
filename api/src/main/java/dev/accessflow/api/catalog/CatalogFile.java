package dev.accessflow.api.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a catalog YAML file: Jackson binds it to a {@link CatalogSpec}, the built-in defaults
 * ({@code defaults.yml} beside this class) fill in what it leaves out, and {@link CatalogRules}
 * checks and resolves it. A file whose shape is wrong (a list where a mapping belongs, an unknown
 * field, a key given twice) is refused at the first such place; every wrong value is reported at once.
 */
public final class CatalogFile {
  /** The built-in policy defaults, as data: a catalog of tiers and timings without apps. */
  static final String DEFAULTS = "defaults.yml";
  /** Fields whose entries are named by their key. */
  private static final Set<String> KEYED = Set.of("apps", "roles", "tiers", "routes", "approverGroups");

  private CatalogFile() {}

  /** Loads the catalog or throws a {@link CatalogException} listing every problem. */
  public static Catalog load(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new CatalogException("catalog " + file + ": cannot be read (" + e.getMessage() + ")", e);
    }
    return parse(file, yaml);
  }

  /** Parses catalog text; {@code file} only names the source in errors. */
  public static Catalog parse(Path file, String yaml) {
    CatalogSpec spec = bind(file.toString(), yaml);
    if (spec == null) {
      throw new CatalogException("catalog " + file + ": must be a mapping with a top-level 'apps' key");
    }
    return CatalogRules.resolve(file.toString(), spec.over(defaults()));
  }

  /** The built-in defaults, read from the class path. */
  static CatalogSpec defaults() {
    try (InputStream in = CatalogFile.class.getResourceAsStream(DEFAULTS)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS + " is missing from the class path");
      }
      return bind(DEFAULTS, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(DEFAULTS + " cannot be read", e);
    }
  }

  private static CatalogSpec bind(String file, String yaml) {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    JsonNode tree;
    try {
      tree = mapper.readTree(yaml); // the whole text first: a syntax error is named as one, wherever it is
    } catch (JsonProcessingException e) {
      Matcher twice = Pattern.compile("Duplicate field '([^']*)'").matcher(e.getOriginalMessage());
      if (twice.find()) { // a second entry of one key would silently replace the first
        throw new CatalogException("catalog " + file + (e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNr())
            + ": '" + twice.group(1) + "' is given twice in one mapping", e);
      }
      throw new CatalogException("catalog " + file + ": not valid YAML (" + e.getOriginalMessage() + ")", e);
    }
    try {
      return tree == null || tree.isMissingNode() || tree.isNull() ? null : mapper.readerFor(CatalogSpec.class).readValue(tree);
    } catch (UnrecognizedPropertyException e) {
      List<Reference> path = e.getPath();
      throw new CatalogException(place(file, path.subList(0, path.size() - 1)) + ": unknown field '" + e.getPropertyName()
          + "' (known here: " + String.join(", ", new TreeSet<>(e.getKnownPropertyIds().stream().map(String::valueOf).toList()))
          + ")", e);
    } catch (MismatchedInputException e) {
      String problem = e.getPath().isEmpty() ? "must be a mapping with a top-level 'apps' key" : expected(e.getTargetType());
      throw new CatalogException(place(file, e.getPath()) + ": " + problem, e);
    } catch (JsonMappingException e) {
      throw new CatalogException(place(file, e.getPath()) + ": " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CatalogException("catalog " + file + ": cannot be read (" + e.getMessage() + ")", e);
    }
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "has the wrong shape";
    }
    if (type == CatalogSpec.RouteSpec.class) {
      return "must be a route name or a list of stages";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "must be a list";
    }
    if (type == String.class) {
      return "must be text, not a list or a mapping";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "must be true or false";
    }
    if (type == Integer.class || type == int.class) {
      return "must be a whole number";
    }
    return Map.class.isAssignableFrom(type) || type.isRecord() ? "must be a mapping" : "has the wrong shape";
  }

  /** Where in the catalog a Jackson path points, in the words the rules use ("app 'x', role 'y', field 'z'"). */
  static String place(String file, List<Reference> path) {
    List<String> words = new ArrayList<>();
    words.add("catalog " + file);
    String parent = null;
    boolean stages = false;
    for (int i = 0; i < path.size(); i++) {
      String field = path.get(i).getFieldName();
      if (field == null) {
        if (stages) {
          words.add("stage " + (path.get(i).getIndex() + 1));
          stages = false;
        }
        continue; // an entry of a list of values: the field is named already
      }
      String word = switch (parent == null ? "" : parent) {
        case "apps" -> "app '" + field + "'";
        case "roles" -> "role '" + field + "'";
        case "tiers" -> "tier '" + field + "'";
        case "routes" -> "route '" + field + "'";
        case "approverGroups" -> "approver group '" + field + "'";
        default -> "field '" + field + "'";
      };
      boolean keyed = parent == null && KEYED.contains(field) && i + 1 < path.size();
      if (!keyed) {
        words.add(word); // a keyed container ('apps', 'roles', ...) is named by its key instead
      }
      stages = word.startsWith("route '") || field.equals("route") || field.equals("review");
      parent = keyed ? field : null;
    }
    return String.join(", ", words);
  }
}
