package dev.accessflow.api.catalog;

import dev.accessflow.api.catalog.CatalogSpec.AppSpec;
import dev.accessflow.api.catalog.CatalogSpec.AutoApproveSpec;
import dev.accessflow.api.catalog.CatalogSpec.BreakGlassSpec;
import dev.accessflow.api.catalog.CatalogSpec.RoleSpec;
import dev.accessflow.api.catalog.CatalogSpec.TierSpec;
import dev.accessflow.api.catalog.CatalogSpec.TimingsSpec;
import dev.accessflow.api.catalog.RouteRules.Stage;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.ReclaimPolicy;
import dev.accessflow.workflows.model.StageTimings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The catalog's policy rules: a {@link CatalogSpec} (already read over the built-in defaults) is
 * checked and resolved into a {@link Catalog}. Every problem is collected with the file, app, role
 * and field it concerns, and all of them are reported at once so a bad catalog is fixed in one go.
 */
final class CatalogRules {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final String TIERS = "low, medium, high, temporary-high";

  /** A risk tier's defaults, checked; a role overrides any of them. */
  private record Tier(List<Duration> durations, Duration maxDuration, boolean expiryRequired, boolean ownerRequired,
      boolean selfExtend, List<Stage> route, List<Duration> ownerDurations) {}

  private final String file;
  private final String top;
  private final CatalogProblems problems = new CatalogProblems();
  private final Map<RiskTier, Tier> tiers = new EnumMap<>(RiskTier.class);
  private Duration minimum;
  private Duration expiringSoonLead;
  private Duration reviewRemindAfter;
  private Map<String, List<String>> approverGroups;
  private RouteRules routes;

  private CatalogRules(String file) {
    this.file = file;
    this.top = "catalog " + file;
  }

  /** The catalog {@code spec} describes, or a {@link CatalogException} listing every problem in it. */
  static Catalog resolve(String file, CatalogSpec spec) {
    return new CatalogRules(file).catalog(spec);
  }

  private Catalog catalog(CatalogSpec spec) {
    policy(spec);
    Map<String, CatalogApp> apps = new LinkedHashMap<>();
    if (spec.apps() == null || spec.apps().isEmpty()) {
      problems.add(top, "field 'apps' must list at least one app");
    } else {
      spec.apps().forEach((id, app) -> {
        CatalogApp resolved = app(id, app);
        if (resolved != null) {
          apps.put(id, resolved);
        }
      });
    }
    problems.throwIfAny();
    return new Catalog(file, apps);
  }

  /** The part shared by all apps: minimum duration, approver groups, timings, named routes, tiers. */
  private void policy(CatalogSpec spec) {
    minimum = problems.duration(spec.minimumDuration(), top + ", field 'minimumDuration'");
    minimum = minimum == null ? Duration.ZERO : minimum; // only when it was bad, and that is reported
    Map<String, List<String>> groups = new TreeMap<>();
    Objects.requireNonNullElse(spec.approverGroups(), Map.<String, List<String>>of()).forEach((name, members) -> {
      String where = top + ", approver group '" + name + "'";
      List<String> logins = problems.logins(members, where);
      if (logins.isEmpty()) {
        problems.add(where, "must list at least one login");
      }
      groups.put(name, logins);
    });
    approverGroups = groups;
    TimingsSpec timings = Objects.requireNonNullElse(spec.timings(), new TimingsSpec(null, null, null, null, null));
    String at = top + ", field 'timings', field '";
    StageTimings stageTimings = new StageTimings(problems.duration(timings.remindAfter(), at + "remindAfter'"),
        problems.duration(timings.escalateAfter(), at + "escalateAfter'"),
        problems.duration(timings.expireAfter(), at + "expireAfter'"));
    expiringSoonLead = problems.duration(timings.expiringSoonLead(), at + "expiringSoonLead'");
    reviewRemindAfter = problems.duration(timings.reviewRemindAfter(), at + "reviewRemindAfter'");
    routes = new RouteRules(problems, approverGroups, stageTimings,
        Objects.requireNonNullElse(spec.routes(), Map.of()), top);
    Objects.requireNonNullElse(spec.tiers(), Map.<String, TierSpec>of()).forEach(this::tier);
  }

  private void tier(String name, TierSpec spec) {
    String where = top + ", tier '" + name + "'";
    RiskTier risk = RiskTier.parse(name).orElse(null);
    if (risk == null) {
      problems.add(where, "not one of " + TIERS);
      return;
    }
    Duration max = problems.duration(spec.maxDuration(), where + ", field 'maxDuration'");
    List<Duration> durations = problems.durations(spec.durations(), where + ", field 'durations'");
    durations.stream().filter(d -> max != null && d.compareTo(max) > 0)
        .forEach(d -> problems.add(where + ", field 'durations'", d + " is over the tier's maxDuration " + max));
    tiers.put(risk, new Tier(durations, max, Boolean.TRUE.equals(spec.expiryRequired()),
        Boolean.TRUE.equals(spec.ownerRequired()), Boolean.TRUE.equals(spec.selfExtend()),
        routes.route(spec.route(), where + ", field 'route'"),
        problems.durations(spec.ownerDurations(), where + ", field 'ownerDurations'")));
  }

  private CatalogApp app(String appId, AppSpec spec) {
    String where = top + ", app '" + appId + "'";
    if (!ID.matcher(appId).matches()) {
      problems.add(where, "the app id must be lowercase letters, digits, '.', '_' or '-'");
    }
    if (spec == null) {
      problems.add(where, "must be a mapping with 'name', 'owners' and 'roles'");
      return null;
    }
    List<String> owners = problems.logins(spec.owners(), where + ", field 'owners'");
    Map<String, CatalogRole> roles = new LinkedHashMap<>();
    if (spec.roles() == null || spec.roles().isEmpty()) {
      problems.add(where, "field 'roles' must list at least one role");
    } else {
      spec.roles().forEach((roleId, role) -> {
        CatalogRole resolved = role(where + ", role '" + roleId + "'", appId, owners, roleId, role, spec.approved(),
            spec.reclaim());
        if (resolved != null) {
          roles.put(roleId, resolved);
        }
      });
    }
    return new CatalogApp(appId, spec.name() == null ? appId : spec.name(), owners, roles, !Boolean.FALSE.equals(spec.approved()),
        review(where + ", field 'review'", spec.review(), owners), reclaim(where + ", field 'reclaim'", spec.reclaim(), owners));
  }

  /** Reclaim thresholds, graces and scan cadences shorter than this are mistakes (a sandbox demo uses minutes). */
  static final Duration MIN_RECLAIM_DURATION = Duration.ofMinutes(1);

  private ReclaimPolicy reclaim(String where, CatalogSpec.ReclaimSpec spec, List<String> owners) {
    if (spec == null) {
      return null;
    }
    // YAML 1.1 reads a bare `off` as the boolean false: both mean off.
    String mode = spec.mode() == null ? ReclaimPolicy.DRY_RUN
        : spec.mode().strip().equals("false") ? ReclaimPolicy.OFF : spec.mode().strip();
    if (mode.equals(ReclaimPolicy.OFF)) {
      return ReclaimPolicy.turnedOff(); // nothing else of it counts, so nothing else is required
    }
    if (spec.inactiveAfter() == null) {
      problems.add(where, "'inactiveAfter' is required (how long unused before access is reclaimed, e.g. P90D)");
    }
    Duration inactiveAfter = atLeastAMinute(spec.inactiveAfter(), where + ".inactiveAfter");
    Duration grace = atLeastAMinute(spec.grace() == null ? "P7D" : spec.grace(), where + ".grace");
    Duration every = atLeastAMinute(spec.every() == null ? "P1D" : spec.every(), where + ".every");
    if (!ReclaimPolicy.MODES.contains(mode)) {
      problems.add(where + ".mode", "'" + mode + "' is not dry-run, enforce or off");
    }
    String noSignal = spec.noSignal() == null ? "keep" : spec.noSignal().strip();
    if (!ReclaimPolicy.NO_SIGNAL.contains(noSignal)) {
      problems.add(where + ".noSignal", "'" + noSignal + "' is not keep or reclaim (what happens to a person the IdP"
          + " has no sign-in data for)");
    }
    String confirmedBy = spec.keepConfirmedBy() == null ? "member" : spec.keepConfirmedBy().strip();
    if (!ReclaimPolicy.KEEP_CONFIRMED_BY.contains(confirmedBy)) {
      problems.add(where + ".keepConfirmedBy", "'" + confirmedBy + "' is not member or owner");
    } else if (confirmedBy.equals("owner") && owners.isEmpty()) {
      problems.add(where + ".keepConfirmedBy", "an owner confirms each Keep, but the app names no owners");
    }
    List<String> people = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (String entry : problems.strings(spec.exempt(), where + ".exempt")) {
      String e = entry.strip();
      if (e.startsWith("group:") && e.length() > "group:".length()) {
        groups.add(e.substring("group:".length()));
      } else if (CatalogProblems.isLogin(e)) {
        people.add(e.toLowerCase(java.util.Locale.ROOT));
      } else {
        problems.add(where + ".exempt", "'" + e + "' is not a login (an email address) or group:<IdP group id>");
      }
    }
    String idpApp = spec.idpApp() == null || spec.idpApp().isBlank() ? null : spec.idpApp().strip();
    // Each adapter checks its own form again before it puts the id in a query.
    if (idpApp != null && !idpApp.matches("((okta|entra|google):)?(saml:[A-Za-z0-9 ._()-]{1,100}|oauth:[A-Za-z0-9._-]{1,200}|[A-Za-z0-9_-]{1,100})")) {
      problems.add(where + ".idpApp", "'" + idpApp + "' is not an IdP app id (Okta: 0oa..., from the app's URL; Entra: the"
          + " application (client) id; Google: saml:<application name> or oauth:<client id>)");
    }
    List<String> notify = new ArrayList<>();
    for (String entry : problems.strings(spec.tell(), where + ".notify")) {
      String whom = entry.strip();
      if (!ReclaimPolicy.TELL.contains(whom)) {
        problems.add(where + ".notify", "'" + whom + "' is not manager or owners (who is told besides the person)");
      } else if (whom.equals(ReclaimPolicy.OWNERS) && owners.isEmpty()) {
        problems.add(where + ".notify", "the owners are told, but the app names no owners");
      } else if (!notify.contains(whom)) {
        notify.add(whom);
      }
    }
    return inactiveAfter == null || grace == null || every == null ? null
        : new ReclaimPolicy(inactiveAfter, grace, people, groups, mode, noSignal, idpApp, confirmedBy, every, notify);
  }

  private Duration atLeastAMinute(String text, String where) {
    Duration d = problems.duration(text, where);
    if (d != null && d.compareTo(MIN_RECLAIM_DURATION) < 0) {
      problems.add(where, text + " is shorter than PT1M");
      return null;
    }
    return d;
  }

  /** Review cadences shorter than this would be a review that never ends before the next. */
  static final Duration MIN_REVIEW_EVERY = Duration.ofHours(1);

  private CatalogApp.ReviewSchedule review(String where, CatalogSpec.ReviewSpec spec, List<String> owners) {
    if (spec == null) {
      return null;
    }
    Duration every = problems.duration(spec.every(), where + ".every");
    Duration dueIn = problems.duration(spec.dueIn() == null ? "P14D" : spec.dueIn(), where + ".dueIn");
    if (spec.every() == null) {
      problems.add(where, "'every' is required (how often the review runs, e.g. P90D)");
    } else if (every != null && every.compareTo(MIN_REVIEW_EVERY) < 0) {
      problems.add(where + ".every", spec.every() + " is shorter than PT1H");
    }
    if (every != null && dueIn != null && dueIn.compareTo(every) > 0) {
      problems.add(where + ".dueIn", spec.dueIn() + " is longer than 'every' (" + spec.every()
          + "): a review would still be open when the next starts");
    }
    String reviewers = spec.reviewers() == null ? "owners" : spec.reviewers().strip();
    if (!reviewers.equals("owners") && !reviewers.equals("manager")
        && !(reviewers.startsWith("group:") && reviewers.length() > 6)) {
      problems.add(where + ".reviewers", "'" + reviewers + "' is not owners, manager or group:<IdP group id>");
    }
    if (reviewers.equals("owners") && owners.isEmpty()) {
      problems.add(where + ".reviewers", "owners review it, but the app names no owners");
    }
    String unreviewed = spec.unreviewed() == null ? "keep" : spec.unreviewed().strip();
    if (!List.of("keep", "revoke", "escalate").contains(unreviewed)) {
      problems.add(where + ".unreviewed", "'" + unreviewed + "' is not keep, revoke or escalate");
    }
    return every == null || dueIn == null ? null : new CatalogApp.ReviewSchedule(every, dueIn, reviewers, unreviewed);
  }

  /** A role's reclaim over the app's: the sign-in log and the cadence are the app's scan, never a role's. */
  private ReclaimPolicy roleReclaim(String where, CatalogSpec.ReclaimSpec role, CatalogSpec.ReclaimSpec app,
      List<String> owners) {
    if (role == null) {
      return null;
    }
    if (app != null && role.idpApp() != null) {
      problems.add(where + ".idpApp", "the app's reclaim names the IdP app; a role cannot name another");
    }
    if (app != null && role.every() != null) {
      problems.add(where + ".every", "a role's memberships are judged when the app is scanned (the app's 'every')");
    }
    return reclaim(where, role.over(app), owners);
  }

  private CatalogRole role(String where, String appId, List<String> owners, String roleId, RoleSpec spec,
      Boolean appApproved, CatalogSpec.ReclaimSpec appReclaim) {
    if (!ID.matcher(roleId).matches()) {
      problems.add(where, "the role id must be lowercase letters, digits, '.', '_' or '-'");
    }
    if (spec == null) {
      problems.add(where, "must be a mapping with 'groups', 'risk', 'approvers', 'durations' and 'maxDuration'");
      return null;
    }
    int before = problems.count();
    List<String> groups = problems.strings(spec.groups(), where + ", field 'groups'");
    if (groups.isEmpty() && problems.count() == before) {
      problems.add(where + ", field 'groups'", "must name at least one IdP group id");
    }
    RiskTier risk = null;
    if (spec.risk() == null) {
      problems.add(where + ", field 'risk'", "required, one of " + TIERS);
    } else {
      risk = RiskTier.parse(spec.risk()).orElse(null);
      if (risk == null) {
        problems.add(where + ", field 'risk'", "'" + spec.risk() + "' is not one of " + TIERS);
      }
    }
    Tier tier = tiers.get(risk == null ? RiskTier.LOW : risk);
    String tierName = risk == null ? "" : risk.yaml();
    List<String> approvers = problems.logins(spec.approvers(), where + ", field 'approvers'");
    List<Stage> route = route(where, appId, risk, tier, spec, approvers);
    boolean namesOwners = route.stream().anyMatch(stage -> stage.names("owners"));
    if (owners.isEmpty() && risk != null && (tier.ownerRequired() || namesOwners)) {
      problems.add(where, (tier.ownerRequired() ? "a " + tierName + " risk role needs an app owner"
          : "the route names the app owners") + ", but field 'owners' of app '" + appId + "' is empty");
    }
    List<ApprovalStage> stages = routes.resolve(route, owners, where);
    // "P7D only with a named owner": the tier's ownerDurations go past its maximum when the app owner approves.
    boolean ownerApproves = !owners.isEmpty() && route.stream().anyMatch(stage -> stage.approvers().contains("owners"));
    List<Duration> ownerDurations = ownerApproves ? tier.ownerDurations() : List.of();
    Duration tierMax = tier.maxDuration();
    if (tierMax != null) {
      tierMax = ownerDurations.stream().reduce(tierMax, (a, b) -> b.compareTo(a) > 0 ? b : a);
    }
    Duration max = spec.maxDuration() != null
        ? problems.duration(spec.maxDuration(), where + ", field 'maxDuration'") : tier.maxDuration();
    if (spec.maxDuration() == null && tier.maxDuration() == null) {
      problems.add(where + ", field 'maxDuration'", "required (an ISO-8601 duration such as PT24H)");
    }
    if (max != null && tierMax != null && max.compareTo(tierMax) > 0) {
      problems.add(where + ", field 'maxDuration'", max + " is over the " + tierName + " tier's maxDuration "
          + tier.maxDuration() + ownerHint(tier, max));
    }
    List<Duration> durations = durations(where + ", field 'durations'", spec, tier, tierName, max, ownerDurations);
    AutoApproval autoApprove = autoApproval(spec.autoApprove(), where + ", field 'autoApprove'");
    if (!autoApprove.isEmpty() && risk != null && !risk.mayAutoApprove()) {
      problems.add(where + ", field 'autoApprove'",
          "only low risk roles are approved automatically (this role is " + risk.yaml() + ")");
    }
    BreakGlass breakGlass = breakGlass(spec.breakGlass(), where + ", field 'breakGlass'", route, owners, max);
    String drift = spec.drift() == null ? "report" : spec.drift().strip();
    if (!CatalogRole.DRIFT_POLICIES.contains(drift)) {
      problems.add(where + ", field 'drift'", "'" + spec.drift() + "' is not one of " + CatalogRole.DRIFT_POLICIES);
    }
    Duration driftGrace = spec.driftGrace() == null ? null : problems.duration(spec.driftGrace(), where + ", field 'driftGrace'");
    driftGrace = driftGrace == null ? CatalogRole.DEFAULT_DRIFT_GRACE : driftGrace;
    if (spec.driftGrace() != null && !"remove".equals(drift)) {
      problems.add(where + ", field 'driftGrace'", "applies only with drift: remove (this role's drift is " + drift + ")");
    }
    boolean approved = !Boolean.FALSE.equals(spec.approved()) && !Boolean.FALSE.equals(appApproved);
    return new CatalogRole(roleId, spec.name() == null ? roleId : spec.name(), groups, risk, approvers, durations, max,
        stages, or(spec.expiryRequired(), tier.expiryRequired()), or(spec.selfExtend(), tier.selfExtend()),
        autoApprove, breakGlass, expiringSoonLead, drift, driftGrace, approved,
        roleReclaim(where + ", field 'reclaim'", spec.reclaim(), appReclaim, owners));
  }

  /** The role's route: the legacy 'approvers' list (one any-of stage), or 'route', or the tier's. */
  private List<Stage> route(String where, String appId, RiskTier risk, Tier tier, RoleSpec spec, List<String> approvers) {
    boolean needsApproval = risk != null && !risk.mayAutoApprove();
    String needs = "a " + (risk == null ? "" : risk.yaml()) + " risk role needs at least one ";
    if (spec.approvers() != null && spec.route() != null) {
      problems.add(where, "use either 'approvers' (one stage, any of them) or 'route', not both");
      return List.of();
    }
    if (spec.approvers() != null) {
      if (approvers.isEmpty() && needsApproval) {
        problems.add(where + ", field 'approvers'", needs + "approver (only low risk roles are approved automatically)");
      }
      return approvers.isEmpty() ? List.of() : List.of(new Stage(appId + " approvers", approvers, "any", List.of(),
          routes.defaultTimings()));
    }
    if (spec.route() != null) {
      List<Stage> route = routes.route(spec.route(), where + ", field 'route'");
      if (route.isEmpty() && needsApproval) {
        problems.add(where + ", field 'route'", needs + "stage (only low risk roles are approved automatically)");
      }
      return route;
    }
    return tier.route();
  }

  private List<Duration> durations(String where, RoleSpec spec, Tier tier, String tierName, Duration max,
      List<Duration> ownerDurations) {
    if (spec.durations() == null && !tier.durations().isEmpty()) {
      return tier.durations();
    }
    if (spec.durations() == null || spec.durations().isEmpty()) {
      problems.add(where, "must list at least one ISO-8601 duration (e.g. [PT1H, PT6H, PT24H])");
      return List.of();
    }
    List<Duration> durations = new ArrayList<>();
    for (Duration duration : problems.durations(spec.durations(), where)) {
      if (tier.maxDuration() != null && duration.compareTo(tier.maxDuration()) > 0 && !ownerDurations.contains(duration)) {
        problems.add(where, duration + " is over the " + tierName + " tier's maxDuration " + tier.maxDuration()
            + ownerHint(tier, duration));
      } else if (max != null && duration.compareTo(max) > 0) {
        problems.add(where, duration + " is over the role's maxDuration " + max);
      }
      if (duration.compareTo(minimum) < 0) {
        problems.add(where, duration + " is under the catalog's minimumDuration " + minimum);
      }
      durations.add(duration);
    }
    return durations;
  }

  private static String ownerHint(Tier tier, Duration duration) {
    return tier.ownerDurations().contains(duration)
        ? " (" + duration + " is allowed only when the route has the app owner approve and the app names an owner)"
        : "";
  }

  private AutoApproval autoApproval(AutoApproveSpec spec, String where) {
    if (spec == null) {
      return AutoApproval.NONE;
    }
    int approvedBefore = 0;
    if (spec.approvedBefore() != null) {
      if (spec.approvedBefore() >= 1) {
        approvedBefore = spec.approvedBefore();
      } else {
        problems.add(where + ", field 'approvedBefore'", "must be a whole number of earlier approvals, at least 1");
      }
    }
    return new AutoApproval(problems.strings(spec.departments(), where + ", field 'departments'"), approvedBefore);
  }

  private BreakGlass breakGlass(BreakGlassSpec spec, String where, List<Stage> roleRoute, List<String> owners,
      Duration roleMax) {
    if (spec == null) {
      return null;
    }
    Duration max = problems.duration(spec.maxDuration(), where + ", field 'maxDuration'");
    if (spec.maxDuration() == null) {
      problems.add(where + ", field 'maxDuration'", "required (emergency access is short, e.g. PT1H)");
    } else if (max != null && roleMax != null && max.compareTo(roleMax) > 0) {
      problems.add(where + ", field 'maxDuration'", max + " is over the role's maxDuration " + roleMax);
    }
    List<Stage> reviewRoute = spec.review() != null ? routes.route(spec.review(), where + ", field 'review'") : roleRoute;
    List<ApprovalStage> review = routes.resolve(reviewRoute, owners, where);
    if (review.isEmpty()) {
      problems.add(where + ", field 'review'", "break-glass needs an after-the-fact review by at least one stage");
    }
    Duration remindAfter = or(problems.duration(spec.remindAfter(), where + ", field 'remindAfter'"), reviewRemindAfter);
    return max == null ? null : new BreakGlass(max, review, new StageTimings(remindAfter, null, null));
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
