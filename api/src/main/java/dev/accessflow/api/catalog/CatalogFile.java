package dev.accessflow.api.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.StageTimings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
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
  /**
   * Stage timings when the catalog's top-level 'timings' says nothing: a reminder a day, escalation
   * after two days (only for stages that name escalateTo people), expiry at the config's approvalTimeout.
   */
  static final StageTimings DEFAULT_TIMINGS = new StageTimings(Duration.ofHours(24), Duration.ofHours(48), null);
  /** The requester is told this long before their grant ends, unless timings.expiringSoonLead says otherwise. */
  static final Duration DEFAULT_EXPIRING_SOON_LEAD = Duration.ofHours(1);
  private static final String KINDS = "manager, owners, group:<name>, user:<login> or a login";

  /** A stage as written: approver kinds not yet turned into logins (that needs the app's owners). */
  private record StageSpec(String name, List<String> approvers, String rule, List<String> escalateTo, StageTimings timings) {}

  /** A risk tier's defaults; a role overrides any of them. */
  /**
   * A risk tier's defaults; a role overrides any of them.
   *
   * @param ownerDurations durations over maxDuration a role may still offer when its route has the app owner approve
   */
  private record Tier(List<Duration> durations, Duration maxDuration, boolean expiryRequired, boolean ownerRequired,
      boolean selfExtend, List<StageSpec> route, List<Duration> ownerDurations) {}

  private Map<String, List<String>> approverGroups = Map.of();
  private Map<String, List<StageSpec>> routes = Map.of();
  private final Map<RiskTier, Tier> tiers = new EnumMap<>(RiskTier.class);
  private StageTimings defaultTimings = DEFAULT_TIMINGS;
  private Duration expiringSoonLead = DEFAULT_EXPIRING_SOON_LEAD;

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
      policy(root);
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

  /** Reads the policy model shared by all apps: approver groups, stage timings, named routes, tier defaults. */
  private void policy(JsonNode root) {
    String top = "catalog " + file;
    Map<String, List<String>> groups = new TreeMap<>();
    JsonNode groupsNode = root.get("approverGroups");
    if (groupsNode != null && !groupsNode.isNull()) {
      if (!groupsNode.isObject()) {
        errors.add(top + ": field 'approverGroups' must map group names to lists of logins");
      } else {
        groupsNode.fields().forEachRemaining(g -> {
          List<String> members = logins(g.getValue(), top + ", approver group '" + g.getKey() + "'");
          if (members.isEmpty()) {
            errors.add(top + ", approver group '" + g.getKey() + "': must list at least one login");
          }
          groups.put(g.getKey(), members);
        });
      }
    }
    approverGroups = groups;
    defaultTimings = timings(root.get("timings"), top + ", field 'timings'", DEFAULT_TIMINGS);
    JsonNode lead = root.path("timings").get("expiringSoonLead");
    if (lead != null && !lead.isNull()) {
      expiringSoonLead = duration(lead, top + ", field 'timings', field 'expiringSoonLead'");
    }

    Map<String, List<StageSpec>> named = new LinkedHashMap<>();
    JsonNode routesNode = root.get("routes");
    if (routesNode != null && !routesNode.isNull()) {
      if (!routesNode.isObject()) {
        errors.add(top + ": field 'routes' must map route names to lists of stages");
      } else {
        routesNode.fields().forEachRemaining(r -> named.put(r.getKey(), stages(r.getValue(), top + ", route '" + r.getKey() + "'")));
      }
    }
    routes = named;

    StageSpec manager = new StageSpec("manager", List.of("manager"), "any", List.of(), defaultTimings);
    StageSpec owners = new StageSpec("app owner", List.of("owners"), "any", List.of(), defaultTimings);
    tiers.put(RiskTier.LOW, new Tier(List.of(), null, false, false, true, List.of(), List.of()));
    tiers.put(RiskTier.MEDIUM, new Tier(List.of(), null, true, false, false, List.of(manager), List.of()));
    tiers.put(RiskTier.HIGH, new Tier(List.of(), null, true, true, false, List.of(owners), List.of()));
    tiers.put(RiskTier.TEMPORARY_HIGH, new Tier(List.of(), null, true, true, false, List.of(owners), List.of()));
    JsonNode tiersNode = root.get("tiers");
    if (tiersNode != null && !tiersNode.isNull()) {
      if (!tiersNode.isObject()) {
        errors.add(top + ": field 'tiers' must map risk tiers (low, medium, high, temporary-high) to their defaults");
        return;
      }
      tiersNode.fields().forEachRemaining(t -> {
        String where = top + ", tier '" + t.getKey() + "'";
        RiskTier risk = RiskTier.parse(t.getKey()).orElse(null);
        if (risk == null) {
          errors.add(where + ": not one of low, medium, high, temporary-high");
          return;
        }
        Tier builtIn = tiers.get(risk);
        JsonNode node = t.getValue();
        Duration max = node.hasNonNull("maxDuration") ? duration(node.get("maxDuration"), where + ", field 'maxDuration'") : builtIn.maxDuration();
        List<Duration> durations = node.has("durations") ? durationList(node.get("durations"), where + ", field 'durations'") : builtIn.durations();
        for (Duration d : durations) {
          if (max != null && d.compareTo(max) > 0) {
            errors.add(where + ", field 'durations': " + d + " is over the tier's maxDuration " + max);
          }
        }
        tiers.put(risk, new Tier(durations, max,
            flag(node, "expiryRequired", builtIn.expiryRequired(), where),
            flag(node, "ownerRequired", builtIn.ownerRequired(), where),
            flag(node, "selfExtend", builtIn.selfExtend(), where),
            node.has("route") ? route(node.get("route"), where + ", field 'route'") : builtIn.route(),
            node.has("ownerDurations") ? durationList(node.get("ownerDurations"), where + ", field 'ownerDurations'")
                : builtIn.ownerDurations()));
      });
    }
  }

  /** A route: the name of one under 'routes', or a list of stages. */
  private List<StageSpec> route(JsonNode node, String where) {
    if (node != null && node.isTextual()) {
      List<StageSpec> named = routes.get(node.asText());
      if (named == null) {
        errors.add(where + ": route '" + node.asText() + "' is not defined under 'routes' (defined: "
            + (routes.isEmpty() ? "none" : String.join(", ", routes.keySet())) + ")");
        return List.of();
      }
      return named;
    }
    return stages(node, where);
  }

  private List<StageSpec> stages(JsonNode node, String where) {
    List<StageSpec> stages = new ArrayList<>();
    if (node == null || node.isNull()) {
      return stages;
    }
    if (!node.isArray()) {
      errors.add(where + ": must be a route name or a list of stages");
      return stages;
    }
    int index = 0;
    for (JsonNode stage : node) {
      index++;
      String name = stage.isObject() ? text(stage, "stage", "stage " + index) : "stage " + index;
      String at = where + ", stage '" + name + "'";
      if (stages.stream().anyMatch(earlier -> earlier.name().equalsIgnoreCase(name))) {
        // Decisions, reminders and the audit trail name a stage: two of one name could not be told apart.
        errors.add(at + ": the route already has a stage named '" + name + "'; give each stage its own name");
      }
      if (!stage.isObject()) {
        errors.add(at + ": must be a mapping with 'stage', 'approvers' and optionally 'rule'");
        continue;
      }
      List<String> approvers = approverKinds(stage.get("approvers"), at + ", field 'approvers'", true);
      if (approvers.isEmpty()) {
        errors.add(at + ", field 'approvers': must name at least one approver (" + KINDS + ")");
      }
      String rule = "any";
      JsonNode ruleNode = stage.get("rule");
      if (ruleNode != null && !ruleNode.isNull()) {
        if (ruleNode.isInt() && ruleNode.asInt() >= 1) {
          rule = String.valueOf(ruleNode.asInt());
        } else if (ruleNode.isTextual() && (ruleNode.asText().equals("any") || ruleNode.asText().equals("all"))) {
          rule = ruleNode.asText();
        } else {
          errors.add(at + ", field 'rule': '" + ruleNode.asText() + "' is not any, all or a number of approvals (at least N)");
        }
      }
      List<String> escalateTo = approverKinds(stage.get("escalateTo"), at + ", field 'escalateTo'", false);
      stages.add(new StageSpec(name, approvers, rule, escalateTo, timings(stage, at, defaultTimings)));
    }
    return stages;
  }

  private List<String> approverKinds(JsonNode node, String where, boolean managerAllowed) {
    List<String> kinds = strings(node, where);
    for (String kind : kinds) {
      if (kind.equals("manager")) {
        if (!managerAllowed) {
          errors.add(where + ": 'manager' cannot be used here (the requester's manager is known per request only)");
        }
      } else if (kind.startsWith("group:")) {
        String group = kind.substring("group:".length());
        if (!approverGroups.containsKey(group)) {
          errors.add(where + ": unknown group '" + group + "'; approverGroups defines "
              + (approverGroups.isEmpty() ? "none" : String.join(", ", approverGroups.keySet())));
        }
      } else if (!kind.equals("owners")) {
        String login = kind.startsWith("user:") ? kind.substring("user:".length()) : kind;
        if (!LOGIN.matcher(login).matches()) {
          errors.add(where + ": '" + kind + "' is not an approver (" + KINDS + ")");
        }
      }
    }
    return kinds;
  }

  /** Turns stage specs into workflow stages for one app: owners, groups and users become logins. */
  private List<ApprovalStage> resolve(List<StageSpec> specs, List<String> owners, String where) {
    List<ApprovalStage> stages = new ArrayList<>();
    for (StageSpec spec : specs) {
      List<String> people = new ArrayList<>();
      boolean manager = false;
      for (String kind : spec.approvers()) {
        manager |= kind.equals("manager");
        people.addAll(logins(kind, owners));
      }
      List<String> escalateTo = new ArrayList<>();
      spec.escalateTo().forEach(kind -> escalateTo.addAll(logins(kind, owners)));
      boolean allOf = spec.rule().equals("all");
      int required = allOf || spec.rule().equals("any") ? 1 : Integer.parseInt(spec.rule());
      int named = (int) people.stream().map(String::toLowerCase).distinct().count() + (manager ? 1 : 0);
      if (named == 0) {
        continue; // only an empty owners list: reported by the owner check
      }
      if (required > named) {
        errors.add(where + ", field 'route': stage '" + spec.name() + "' requires " + required + " approvals but names only "
            + named + " approver" + (named == 1 ? "" : "s"));
        continue;
      }
      stages.add(new ApprovalStage(spec.name(), people, required, manager, allOf, escalateTo, spec.timings()));
    }
    return stages;
  }

  private List<String> logins(String kind, List<String> owners) {
    if (kind.equals("manager")) {
      return List.of();
    }
    if (kind.equals("owners")) {
      return owners;
    }
    if (kind.startsWith("group:")) {
      return approverGroups.getOrDefault(kind.substring("group:".length()), List.of());
    }
    return List.of(kind.startsWith("user:") ? kind.substring("user:".length()) : kind);
  }

  private StageTimings timings(JsonNode node, String where, StageTimings fallback) {
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isObject()) {
      errors.add(where + ": must be a mapping with remindAfter, escalateAfter and expireAfter");
      return fallback;
    }
    return new StageTimings(
        node.hasNonNull("remindAfter") ? duration(node.get("remindAfter"), where + ", field 'remindAfter'") : fallback.remindAfter(),
        node.hasNonNull("escalateAfter") ? duration(node.get("escalateAfter"), where + ", field 'escalateAfter'") : fallback.escalateAfter(),
        node.hasNonNull("expireAfter") ? duration(node.get("expireAfter"), where + ", field 'expireAfter'") : fallback.expireAfter());
  }

  private List<Duration> durationList(JsonNode node, String where) {
    List<Duration> durations = new ArrayList<>();
    if (node == null || !node.isArray()) {
      errors.add(where + ": must be a list of ISO-8601 durations");
      return durations;
    }
    for (JsonNode d : node) {
      Duration parsed = duration(d, where);
      if (parsed != null) {
        durations.add(parsed);
      }
    }
    return durations;
  }

  private boolean flag(JsonNode node, String field, boolean fallback, String where) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      errors.add(where + ", field '" + field + "': must be true or false");
      return fallback;
    }
    return value.asBoolean();
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
        CatalogRole parsed = role(where + ", role '" + role.getKey() + "'", appId, owners, role.getKey(), role.getValue(), minimum);
        if (parsed != null) {
          roles.put(parsed.id(), parsed);
        }
      }
    }
    return new CatalogApp(appId, name, owners, roles);
  }

  private CatalogRole role(String where, String appId, List<String> owners, String roleId, JsonNode node, Duration minimum) {
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
    Tier tier = risk == null ? tiers.get(RiskTier.LOW) : tiers.get(risk);
    String tierName = risk == null ? "" : risk.yaml();

    // The route: the legacy 'approvers' list (one any-of stage), or 'route', or the tier's default route.
    List<String> approvers = logins(node.get("approvers"), where + ", field 'approvers'");
    List<StageSpec> routeSpec;
    if (node.has("approvers") && node.has("route")) {
      errors.add(where + ": use either 'approvers' (one stage, any of them) or 'route', not both");
      routeSpec = List.of();
    } else if (node.has("approvers")) {
      if (approvers.isEmpty() && risk != null && !risk.mayAutoApprove()) {
        errors.add(where + ", field 'approvers': a " + risk.yaml() + " risk role needs at least one approver"
            + " (only low risk roles are approved automatically)");
      }
      routeSpec = approvers.isEmpty() ? List.of()
          : List.of(new StageSpec(appId + " approvers", approvers, "any", List.of(), defaultTimings));
    } else if (node.has("route")) {
      routeSpec = route(node.get("route"), where + ", field 'route'");
      if (routeSpec.isEmpty() && risk != null && !risk.mayAutoApprove()) {
        errors.add(where + ", field 'route': a " + risk.yaml() + " risk role needs at least one stage"
            + " (only low risk roles are approved automatically)");
      }
    } else {
      routeSpec = tier.route();
    }
    boolean namesOwners = routeSpec.stream().anyMatch(st -> st.approvers().contains("owners") || st.escalateTo().contains("owners"));
    if (owners.isEmpty() && risk != null && (tier.ownerRequired() || namesOwners)) {
      errors.add(where + ": " + (tier.ownerRequired() ? "a " + tierName + " risk role needs an app owner"
          : "the route names the app owners") + ", but field 'owners' of app '" + appId + "' is empty");
    }
    List<ApprovalStage> route = resolve(routeSpec, owners, where);
    // "P7D only with a named owner": the tier's ownerDurations go past its maximum when the app owner approves.
    boolean ownerApproves = !owners.isEmpty() && routeSpec.stream().anyMatch(st -> st.approvers().contains("owners"));
    List<Duration> ownerDurations = ownerApproves ? tier.ownerDurations() : List.of();
    Duration tierMax = tier.maxDuration();
    if (tierMax != null) {
      for (Duration d : ownerDurations) {
        tierMax = d.compareTo(tierMax) > 0 ? d : tierMax;
      }
    }

    Duration max = node.hasNonNull("maxDuration")
        ? duration(node.get("maxDuration"), where + ", field 'maxDuration'")
        : tier.maxDuration();
    if (!node.hasNonNull("maxDuration") && tier.maxDuration() == null) {
      errors.add(where + ", field 'maxDuration': required (an ISO-8601 duration such as PT24H)");
    }
    if (max != null && tierMax != null && max.compareTo(tierMax) > 0) {
      errors.add(where + ", field 'maxDuration': " + max + " is over the " + tierName + " tier's maxDuration " + tier.maxDuration()
          + ownerHint(tier, max));
    }
    List<Duration> durations = new ArrayList<>();
    JsonNode durationsNode = node.get("durations");
    if ((durationsNode == null || durationsNode.isNull()) && !tier.durations().isEmpty()) {
      durations.addAll(tier.durations());
    } else if (durationsNode == null || !durationsNode.isArray() || durationsNode.isEmpty()) {
      errors.add(where + ", field 'durations': must list at least one ISO-8601 duration (e.g. [PT1H, PT6H, PT24H])");
    } else {
      for (JsonNode d : durationsNode) {
        Duration parsed = duration(d, where + ", field 'durations'");
        if (parsed == null) {
          continue;
        }
        if (tier.maxDuration() != null && parsed.compareTo(tier.maxDuration()) > 0 && !ownerDurations.contains(parsed)) {
          errors.add(where + ", field 'durations': " + parsed + " is over the " + tierName + " tier's maxDuration "
              + tier.maxDuration() + ownerHint(tier, parsed));
        } else if (max != null && parsed.compareTo(max) > 0) {
          errors.add(where + ", field 'durations': " + parsed + " is over the role's maxDuration " + max);
        }
        if (parsed.compareTo(minimum) < 0) {
          errors.add(where + ", field 'durations': " + parsed + " is under the catalog's minimumDuration " + minimum);
        }
        durations.add(parsed);
      }
    }

    AutoApproval autoApprove = autoApproval(node.get("autoApprove"), where + ", field 'autoApprove'");
    if (!autoApprove.isEmpty() && risk != null && !risk.mayAutoApprove()) {
      errors.add(where + ", field 'autoApprove': only low risk roles are approved automatically (this role is " + risk.yaml() + ")");
    }
    BreakGlass breakGlass = breakGlass(node.get("breakGlass"), where + ", field 'breakGlass'", routeSpec, owners, max);
    return new CatalogRole(roleId, text(node, "name", roleId), groups, risk, approvers, durations, max, route,
        flag(node, "expiryRequired", tier.expiryRequired(), where), flag(node, "selfExtend", tier.selfExtend(), where),
        autoApprove, breakGlass, expiringSoonLead);
  }

  private static String ownerHint(Tier tier, Duration duration) {
    return tier.ownerDurations().contains(duration)
        ? " (" + duration + " is allowed only when the route has the app owner approve and the app names an owner)"
        : "";
  }

  private AutoApproval autoApproval(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return AutoApproval.NONE;
    }
    if (!node.isObject()) {
      errors.add(where + ": must be a mapping with 'departments' and/or 'approvedBefore'");
      return AutoApproval.NONE;
    }
    int approvedBefore = 0;
    JsonNode before = node.get("approvedBefore");
    if (before != null && !before.isNull()) {
      if (before.isInt() && before.asInt() >= 1) {
        approvedBefore = before.asInt();
      } else {
        errors.add(where + ", field 'approvedBefore': must be a whole number of earlier approvals, at least 1");
      }
    }
    return new AutoApproval(strings(node.get("departments"), where + ", field 'departments'"), approvedBefore);
  }

  private BreakGlass breakGlass(JsonNode node, String where, List<StageSpec> roleRoute, List<String> owners, Duration roleMax) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      errors.add(where + ": must be a mapping with 'maxDuration' and 'review'");
      return null;
    }
    Duration max = node.hasNonNull("maxDuration") ? duration(node.get("maxDuration"), where + ", field 'maxDuration'") : null;
    if (!node.hasNonNull("maxDuration")) {
      errors.add(where + ", field 'maxDuration': required (emergency access is short, e.g. PT1H)");
    } else if (max != null && roleMax != null && max.compareTo(roleMax) > 0) {
      errors.add(where + ", field 'maxDuration': " + max + " is over the role's maxDuration " + roleMax);
    }
    List<StageSpec> reviewSpec = node.has("review") ? route(node.get("review"), where + ", field 'review'") : roleRoute;
    List<ApprovalStage> review = resolve(reviewSpec, owners, where);
    if (review.isEmpty()) {
      errors.add(where + ", field 'review': break-glass needs an after-the-fact review by at least one stage");
    }
    StageTimings reviewTimings = new StageTimings(
        node.hasNonNull("remindAfter") ? duration(node.get("remindAfter"), where + ", field 'remindAfter'") : Duration.ofHours(4),
        null, null);
    return max == null ? null : new BreakGlass(max, review, reviewTimings);
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
