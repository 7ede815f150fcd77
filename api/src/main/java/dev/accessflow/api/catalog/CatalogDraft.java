package dev.accessflow.api.catalog;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A draft catalog from the IdP's apps and the groups assigned to them, for an admin to edit: one
 * role per group, every app {@code approved: false} (inventoried, never offered, until approved).
 * Groups accessflow cannot change (Okta APP_GROUPs, BUILT_IN) are written as comments.
 */
public final class CatalogDraft {
  /** An IdP app. */
  public record App(String idpId, String label, String status, List<Group> groups) {}

  /** A group assigned to an app; {@code type} is the IdP's (Okta: OKTA_GROUP, APP_GROUP, BUILT_IN). */
  public record Group(String id, String name, String type) {}

  private CatalogDraft() {}

  /** The draft as catalog YAML (it loads as a catalog: {@code CatalogFile.load}). */
  public static String yaml(String source, Instant at, List<App> apps) {
    StringBuilder out = new StringBuilder();
    int groups = apps.stream().mapToInt(a -> a.groups().size()).sum();
    out.append("# Draft catalog discovered from ").append(source).append(" at ").append(at).append(": ")
        .append(apps.size()).append(" apps, ").append(groups).append(" assigned groups.\n")
        .append("# Every app is approved: false. accessflow keeps the inventory of its groups (who is in them, and\n")
        .append("# drift) but offers none of them in Slack, REST or Jira until an admin reviews the app: names its\n")
        .append("# owners, sets each role's risk, durations and route, removes the roles nobody should ask for,\n")
        .append("# and sets approved: true. Merge it into your catalog (README \"Approval policy\").\n")
        .append("minimumDuration: PT5M\n\napps:\n");
    Set<String> appIds = new HashSet<>();
    for (App app : apps) {
      String appId = unique(slug(app.label(), "app-" + app.idpId()), appIds);
      List<Group> grantable = app.groups().stream().filter(CatalogDraft::grantable).toList();
      out.append("  # IdP app ").append(app.idpId()).append(" \"").append(oneLine(app.label())).append("\"")
          .append(app.status() == null ? "" : ", " + app.status()).append('\n');
      if (grantable.isEmpty()) {
        out.append("  # ").append(appId).append(": no group accessflow could grant is assigned to it\n");
        app.groups().forEach(g -> out.append("  #   ").append(groupComment(g)).append('\n'));
        continue;
      }
      out.append("  ").append(appId).append(":\n")
          .append("    name: ").append(quoted(app.label() == null ? appId : app.label())).append('\n')
          .append("    approved: false\n")
          .append("    owners: []\n")
          .append("    roles:\n");
      Set<String> roleIds = new HashSet<>();
      for (Group group : app.groups()) {
        if (!grantable(group)) {
          out.append("      # ").append(groupComment(group)).append('\n');
          continue;
        }
        String roleId = unique(slug(group.name(), "group-" + group.id()), roleIds);
        out.append("      ").append(roleId).append(":\n")
            .append("        name: ").append(quoted(group.name() == null ? group.id() : group.name())).append('\n')
            .append("        groups: [").append(quoted(group.id())).append("]\n")
            .append("        risk: medium\n")
            .append("        durations: [PT24H]\n")
            .append("        maxDuration: PT24H\n");
      }
    }
    return out.toString();
  }

  private static boolean grantable(Group group) {
    return group.type() == null || group.type().equals("OKTA_GROUP");
  }

  private static String groupComment(Group group) {
    return "group " + group.id() + " \"" + oneLine(group.name()) + "\" (" + group.type()
        + "): not offered, its memberships are not managed in the IdP (imported or built in)";
  }

  /** A catalog id from a label: lowercase letters, digits, '.', '_' and '-'. */
  static String slug(String label, String fallback) {
    if (label == null) {
      return fallback.toLowerCase(Locale.ROOT);
    }
    String slug = label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("-{2,}", "-")
        .replaceAll("^[-._]+|[-._]+$", "");
    return slug.isEmpty() ? fallback.toLowerCase(Locale.ROOT) : slug;
  }

  private static String unique(String id, Set<String> taken) {
    String candidate = id;
    for (int n = 2; !taken.add(candidate); n++) {
      candidate = id + "-" + n;
    }
    return candidate;
  }

  /** A YAML double-quoted scalar (JSON string escapes are valid YAML). */
  static String quoted(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n\"]+", " ").strip();
  }
}
