package dev.accessflow.api.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalog file as written, bound by Jackson; {@link CatalogRules} validates it and resolves it
 * into a {@link Catalog}. Durations, rules and approver kinds stay text here so that every bad one
 * is reported with its place, not only the first. A field left out is null (the tier's or the
 * catalog's default applies); an empty list is an empty list.
 */
public record CatalogSpec(
    String minimumDuration,
    Map<String, List<String>> approverGroups,
    TimingsSpec timings,
    Map<String, RouteSpec> routes,
    Map<String, TierSpec> tiers,
    Map<String, AppSpec> apps) {

  /** Catalog-wide timings: a stage's defaults, the expiry warning's lead, the break-glass review reminder. */
  public record TimingsSpec(String remindAfter, String escalateAfter, String expireAfter, String expiringSoonLead,
      String reviewRemindAfter) {
    TimingsSpec over(TimingsSpec defaults) {
      return defaults == null ? this : new TimingsSpec(
          or(remindAfter, defaults.remindAfter), or(escalateAfter, defaults.escalateAfter),
          or(expireAfter, defaults.expireAfter), or(expiringSoonLead, defaults.expiringSoonLead),
          or(reviewRemindAfter, defaults.reviewRemindAfter));
    }
  }

  /** One stage of a route; its own timings override the catalog's. */
  public record StageSpec(String stage, List<String> approvers, String rule, List<String> escalateTo,
      String remindAfter, String escalateAfter, String expireAfter) {}

  /** A route as written: the name of one under {@code routes:}, or a list of stages. */
  @JsonDeserialize(using = RouteSpec.Reader.class)
  public record RouteSpec(String name, List<StageSpec> stages) {
    static final class Reader extends JsonDeserializer<RouteSpec> {
      @Override
      public RouteSpec deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
          return new RouteSpec(parser.getText(), null);
        }
        if (parser.currentToken() != JsonToken.START_ARRAY) {
          return (RouteSpec) context.handleUnexpectedToken(RouteSpec.class, parser);
        }
        return new RouteSpec(null, context.readValue(parser,
            context.getTypeFactory().constructType(new TypeReference<List<StageSpec>>() {})));
      }
    }
  }

  /**
   * A risk tier's defaults; a role overrides any of them.
   *
   * @param ownerDurations durations over maxDuration a role may still offer when its route has the app owner approve
   */
  public record TierSpec(List<String> durations, String maxDuration, Boolean expiryRequired, Boolean ownerRequired,
      Boolean selfExtend, RouteSpec route, List<String> ownerDurations) {
    TierSpec over(TierSpec defaults) {
      return defaults == null ? this : new TierSpec(
          or(durations, defaults.durations), or(maxDuration, defaults.maxDuration),
          or(expiryRequired, defaults.expiryRequired), or(ownerRequired, defaults.ownerRequired),
          or(selfExtend, defaults.selfExtend), or(route, defaults.route), or(ownerDurations, defaults.ownerDurations));
    }
  }

  /** An app: its display name, owners (logins), roles, and whether people may ask for it yet (default yes). */
  public record AppSpec(String name, List<String> owners, Map<String, RoleSpec> roles, Boolean approved,
      ReviewSpec review, ReclaimSpec reclaim) {}

  /**
   * Auto-reclaim of the app's unused access:
   * {@code {inactiveAfter: P90D, grace: P7D, exempt: [login, group:<IdP group id>], mode: dry-run | enforce,
   * noSignal: keep | reclaim, idpApp: <IdP app id>, keepConfirmedBy: member | owner, every: P1D,
   * notify: [manager, owners]}}.
   */
  public record ReclaimSpec(String inactiveAfter, String grace, List<String> exempt, String mode, String noSignal,
      String idpApp, String keepConfirmedBy, String every, @JsonProperty("notify") List<String> tell) {
    /** A role's reclaim over its app's: what the role leaves out, the app's says. */
    ReclaimSpec over(ReclaimSpec app) {
      return app == null ? this : new ReclaimSpec(or(inactiveAfter, app.inactiveAfter), or(grace, app.grace),
          or(exempt, app.exempt), or(mode, app.mode), or(noSignal, app.noSignal), or(idpApp, app.idpApp),
          or(keepConfirmedBy, app.keepConfirmedBy), or(every, app.every), or(tell, app.tell));
    }
  }

  /** A recurring access review of the app: {@code {every: P90D, dueIn: P14D, reviewers: owners, unreviewed: keep}}. */
  public record ReviewSpec(String every, String dueIn, String reviewers, String unreviewed) {}

  /**
   * A role; {@code approvers} is the legacy one-stage form of {@code route}. {@code reclaim} overrides
   * the app's reclaim for the role's memberships (its idpApp and every stay the app's).
   */
  public record RoleSpec(String name, List<String> groups, String risk, List<String> approvers, RouteSpec route,
      List<String> durations, String maxDuration, Boolean expiryRequired, Boolean selfExtend,
      AutoApproveSpec autoApprove, BreakGlassSpec breakGlass, String drift, String driftGrace, Boolean approved,
      ReclaimSpec reclaim) {}

  /** When a low-risk role needs no human. */
  public record AutoApproveSpec(List<String> departments, Integer approvedBefore) {}

  /** Emergency access a role allows, and its after-the-fact review. */
  public record BreakGlassSpec(String maxDuration, RouteSpec review, String remindAfter) {}

  /**
   * This catalog over another (the built-in defaults): top-level values and each tier's fields that
   * this one leaves out come from {@code defaults}; approver groups, routes and apps are this one's.
   */
  CatalogSpec over(CatalogSpec defaults) {
    Map<String, TierSpec> merged = new LinkedHashMap<>(defaults.tiers == null ? Map.of() : defaults.tiers);
    if (tiers != null) {
      tiers.forEach((risk, tier) -> merged.put(risk, tier == null ? merged.get(risk) : tier.over(merged.get(risk))));
    }
    return new CatalogSpec(or(minimumDuration, defaults.minimumDuration), approverGroups,
        timings == null ? defaults.timings : timings.over(defaults.timings), routes, merged, apps);
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
