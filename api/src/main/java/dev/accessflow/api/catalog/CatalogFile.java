package dev.accessflow.api.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads and validates a catalog YAML file. Every error names the file, the app, the role and the
 * field, and all errors are reported at once so a bad catalog is fixed in one go.
 */
public final class CatalogFile {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern LOGIN = Pattern.compile("[^@\\s]+@[^@\\s]+");
  /** Shorter grants are allowed only when the catalog sets a lower minimumDuration (the sandbox does). */
  static final Duration DEFAULT_MINIMUM_DURATION = Duration.ofMinutes(5);

  private final Path file;
  private final List<String> errors = new ArrayList<>();

  private CatalogFile(Path file) {
    this.file = file;
  }

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
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    } catch (IOException e) {
      throw new CatalogException("catalog " + file + ": not valid YAML (" + e.getMessage() + ")", e);
    }
    return new CatalogFile(file).read(root);
  }

  private Catalog read(JsonNode root) {
    Map<String, CatalogApp> apps = new LinkedHashMap<>();
    if (root == null || !root.isObject()) {
      errors.add("catalog " + file + ": must be a mapping with a top-level 'apps' key");
    } else {
      Duration minimum = DEFAULT_MINIMUM_DURATION;
      if (root.hasNonNull("minimumDuration")) {
        Duration parsed = duration(root.get("minimumDuration"), "catalog " + file + ": field 'minimumDuration'");
        minimum = parsed == null ? minimum : parsed;
      }
      JsonNode appsNode = root.get("apps");
      if (appsNode == null || !appsNode.isObject() || appsNode.isEmpty()) {
        errors.add("catalog " + file + ": field 'apps' must list at least one app");
      } else {
        for (Iterator<Map.Entry<String, JsonNode>> it = appsNode.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> app = it.next();
          CatalogApp parsed = app(app.getKey(), app.getValue(), minimum);
          if (parsed != null) {
            apps.put(parsed.id(), parsed);
          }
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new CatalogException(String.join("\n", errors));
    }
    return new Catalog(file.toString(), apps);
  }

  private CatalogApp app(String appId, JsonNode node, Duration minimum) {
    String where = "catalog " + file + ", app '" + appId + "'";
    if (!ID.matcher(appId).matches()) {
      errors.add(where + ": the app id must be lowercase letters, digits, '.', '_' or '-'");
    }
    if (!node.isObject()) {
      errors.add(where + ": must be a mapping with 'name', 'owners' and 'roles'");
      return null;
    }
    String name = text(node, "name", appId);
    List<String> owners = logins(node.get("owners"), where + ", field 'owners'");
    Map<String, CatalogRole> roles = new LinkedHashMap<>();
    JsonNode rolesNode = node.get("roles");
    if (rolesNode == null || !rolesNode.isObject() || rolesNode.isEmpty()) {
      errors.add(where + ": field 'roles' must list at least one role");
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = rolesNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> role = it.next();
        CatalogRole parsed = role(where + ", role '" + role.getKey() + "'", role.getKey(), role.getValue(), minimum);
        if (parsed != null) {
          roles.put(parsed.id(), parsed);
        }
      }
    }
    return new CatalogApp(appId, name, owners, roles);
  }

  private CatalogRole role(String where, String roleId, JsonNode node, Duration minimum) {
    if (!ID.matcher(roleId).matches()) {
      errors.add(where + ": the role id must be lowercase letters, digits, '.', '_' or '-'");
    }
    if (!node.isObject()) {
      errors.add(where + ": must be a mapping with 'groups', 'risk', 'approvers', 'durations' and 'maxDuration'");
      return null;
    }
    int before = errors.size();
    List<String> groups = strings(node.get("groups"), where + ", field 'groups'");
    if (groups.isEmpty() && errors.size() == before) {
      errors.add(where + ", field 'groups': must name at least one IdP group id");
    }
    RiskTier risk = null;
    JsonNode riskNode = node.get("risk");
    if (riskNode == null || !riskNode.isTextual()) {
      errors.add(where + ", field 'risk': required, one of low, medium, high, temporary-high");
    } else {
      risk = RiskTier.parse(riskNode.asText()).orElse(null);
      if (risk == null) {
        errors.add(where + ", field 'risk': '" + riskNode.asText() + "' is not one of low, medium, high, temporary-high");
      }
    }
    List<String> approvers = logins(node.get("approvers"), where + ", field 'approvers'");
    if (approvers.isEmpty() && risk != null && !risk.mayAutoApprove()) {
      errors.add(where + ", field 'approvers': a " + risk.yaml() + " risk role needs at least one approver"
          + " (only low risk roles are approved automatically)");
    }
    Duration max = node.hasNonNull("maxDuration")
        ? duration(node.get("maxDuration"), where + ", field 'maxDuration'")
        : null;
    if (!node.hasNonNull("maxDuration")) {
      errors.add(where + ", field 'maxDuration': required (an ISO-8601 duration such as PT24H)");
    }
    List<Duration> durations = new ArrayList<>();
    JsonNode durationsNode = node.get("durations");
    if (durationsNode == null || !durationsNode.isArray() || durationsNode.isEmpty()) {
      errors.add(where + ", field 'durations': must list at least one ISO-8601 duration (e.g. [PT1H, PT6H, PT24H])");
    } else {
      for (JsonNode d : durationsNode) {
        Duration parsed = duration(d, where + ", field 'durations'");
        if (parsed == null) {
          continue;
        }
        if (max != null && parsed.compareTo(max) > 0) {
          errors.add(where + ", field 'durations': " + parsed + " is over the role's maxDuration " + max);
        }
        if (parsed.compareTo(minimum) < 0) {
          errors.add(where + ", field 'durations': " + parsed + " is under the catalog's minimumDuration " + minimum);
        }
        durations.add(parsed);
      }
    }
    return new CatalogRole(roleId, text(node, "name", roleId), groups, risk, approvers, durations, max);
  }

  private Duration duration(JsonNode node, String where) {
    if (node == null || !node.isTextual()) {
      errors.add(where + ": must be an ISO-8601 duration such as PT1H");
      return null;
    }
    try {
      Duration parsed = Duration.parse(node.asText());
      if (parsed.isNegative() || parsed.isZero()) {
        errors.add(where + ": " + node.asText() + " must be positive");
        return null;
      }
      return parsed;
    } catch (DateTimeParseException e) {
      errors.add(where + ": '" + node.asText() + "' is not an ISO-8601 duration (write PT1H, PT6H, PT24H or P7D)");
      return null;
    }
  }

  private List<String> strings(JsonNode node, String where) {
    List<String> values = new ArrayList<>();
    if (node == null || node.isNull()) {
      return values;
    }
    if (!node.isArray()) {
      errors.add(where + ": must be a list");
      return values;
    }
    for (JsonNode item : node) {
      if (!item.isTextual() || item.asText().isBlank()) {
        errors.add(where + ": every entry must be a non-empty string");
      } else {
        values.add(item.asText());
      }
    }
    return values;
  }

  private List<String> logins(JsonNode node, String where) {
    List<String> values = strings(node, where);
    for (String login : values) {
      if (!LOGIN.matcher(login).matches()) {
        errors.add(where + ": '" + login + "' is not an IdP login (an email address)");
      }
    }
    return values;
  }

  private static String text(JsonNode node, String field, String fallback) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.asText() : fallback;
  }
}
