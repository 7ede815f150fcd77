package dev.accessflow.api.catalog;

import dev.accessflow.api.catalog.CatalogSpec.RouteSpec;
import dev.accessflow.api.catalog.CatalogSpec.StageSpec;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.StageTimings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog's routes: stages checked once as written (approver kinds, rule, timings), then turned
 * into workflow stages per app, where {@code owners} and {@code group:} become logins.
 */
final class RouteRules {
  private static final String KINDS = "manager, owners, group:<name>, user:<login> or a login";

  /** A checked stage whose approvers are still kinds (turning them into logins needs the app's owners). */
  record Stage(String name, List<String> approvers, String rule, List<String> escalateTo, StageTimings timings) {
    boolean names(String kind) {
      return approvers.contains(kind) || escalateTo.contains(kind);
    }
  }

  private final CatalogProblems problems;
  private final Map<String, List<String>> approverGroups;
  private final StageTimings defaultTimings;
  private final Map<String, List<Stage>> named = new LinkedHashMap<>();

  RouteRules(CatalogProblems problems, Map<String, List<String>> approverGroups, StageTimings defaultTimings,
      Map<String, RouteSpec> routes, String top) {
    this.problems = problems;
    this.approverGroups = approverGroups;
    this.defaultTimings = defaultTimings;
    routes.forEach((name, route) -> {
      String where = top + ", route '" + name + "'";
      if (route == null || route.name() != null) {
        problems.add(where, "must be a list of stages");
        named.put(name, List.of());
      } else {
        named.put(name, stages(route.stages(), where));
      }
    });
  }

  /** The catalog's stage timings, for stages that give none of their own. */
  StageTimings defaultTimings() {
    return defaultTimings;
  }

  /** A route as written: the stages of a named route, or the given stages checked. */
  List<Stage> route(RouteSpec route, String where) {
    if (route == null) {
      return List.of();
    }
    if (route.name() != null) {
      List<Stage> stages = named.get(route.name());
      if (stages == null) {
        problems.add(where, "route '" + route.name() + "' is not defined under 'routes' (defined: "
            + (named.isEmpty() ? "none" : String.join(", ", named.keySet())) + ")");
        return List.of();
      }
      return stages;
    }
    return stages(route.stages(), where);
  }

  private List<Stage> stages(List<StageSpec> specs, String where) {
    List<Stage> stages = new ArrayList<>();
    int index = 0;
    for (StageSpec spec : specs == null ? List.<StageSpec>of() : specs) {
      index++;
      String name = spec == null || spec.stage() == null || spec.stage().isBlank() ? "stage " + index : spec.stage();
      String at = where + ", stage '" + name + "'";
      if (stages.stream().anyMatch(earlier -> earlier.name().equalsIgnoreCase(name))) {
        // Decisions, reminders and the audit trail name a stage: two of one name could not be told apart.
        problems.add(at, "the route already has a stage named '" + name + "'; give each stage its own name");
      }
      if (spec == null) {
        problems.add(at, "must be a mapping with 'stage', 'approvers' and optionally 'rule'");
        continue;
      }
      List<String> approvers = approverKinds(spec.approvers(), at + ", field 'approvers'", true);
      if (approvers.isEmpty()) {
        problems.add(at + ", field 'approvers'", "must name at least one approver (" + KINDS + ")");
      }
      String rule = spec.rule() == null ? "any" : spec.rule();
      if (!rule.equals("any") && !rule.equals("all") && !rule.matches("[1-9][0-9]{0,3}")) {
        problems.add(at + ", field 'rule'", "'" + rule + "' is not any, all or a number of approvals (at least N)");
        rule = "any";
      }
      List<String> escalateTo = approverKinds(spec.escalateTo(), at + ", field 'escalateTo'", false);
      StageTimings timings = new StageTimings(
          or(problems.duration(spec.remindAfter(), at + ", field 'remindAfter'"), defaultTimings.remindAfter()),
          or(problems.duration(spec.escalateAfter(), at + ", field 'escalateAfter'"), defaultTimings.escalateAfter()),
          or(problems.duration(spec.expireAfter(), at + ", field 'expireAfter'"), defaultTimings.expireAfter()));
      stages.add(new Stage(name, approvers, rule, escalateTo, timings));
    }
    return stages;
  }

  private List<String> approverKinds(List<String> values, String where, boolean managerAllowed) {
    List<String> kinds = problems.strings(values, where);
    for (String kind : kinds) {
      if (kind.equals("manager")) {
        if (!managerAllowed) {
          problems.add(where, "'manager' cannot be used here (the requester's manager is known per request only)");
        }
      } else if (kind.startsWith("group:")) {
        String group = kind.substring("group:".length());
        if (!approverGroups.containsKey(group)) {
          problems.add(where, "unknown group '" + group + "'; approverGroups defines "
              + (approverGroups.isEmpty() ? "none" : String.join(", ", approverGroups.keySet())));
        }
      } else if (!kind.equals("owners")) {
        String login = kind.startsWith("user:") ? kind.substring("user:".length()) : kind;
        if (!CatalogProblems.isLogin(login)) {
          problems.add(where, "'" + kind + "' is not an approver (" + KINDS + ")");
        }
      }
    }
    return kinds;
  }

  /** The stages of one app: owners, groups and users become logins; a rule no stage can meet is a problem. */
  List<ApprovalStage> resolve(List<Stage> stages, List<String> owners, String where) {
    List<ApprovalStage> resolved = new ArrayList<>();
    for (Stage stage : stages) {
      List<String> people = new ArrayList<>();
      boolean manager = stage.approvers().contains("manager");
      stage.approvers().forEach(kind -> people.addAll(logins(kind, owners)));
      List<String> escalateTo = new ArrayList<>();
      stage.escalateTo().forEach(kind -> escalateTo.addAll(logins(kind, owners)));
      boolean allOf = stage.rule().equals("all");
      int required = allOf || stage.rule().equals("any") ? 1 : Integer.parseInt(stage.rule());
      int named = (int) people.stream().map(String::toLowerCase).distinct().count() + (manager ? 1 : 0);
      if (named == 0) {
        continue; // only an empty owners list: reported by the owner check
      }
      if (required > named) {
        problems.add(where + ", field 'route'", "stage '" + stage.name() + "' requires " + required
            + " approvals but names only " + named + " approver" + (named == 1 ? "" : "s"));
        continue;
      }
      resolved.add(new ApprovalStage(stage.name(), people, required, manager, allOf, escalateTo, stage.timings()));
    }
    return resolved;
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

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
