package dev.accessflow.ledger;

import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.GroupSync;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.MembershipChange;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The inventory's writes: memberships as the IdP shows them, classified by {@link DriftRules}, and
 * the findings they open. Each call is one transaction and safe to repeat (a page seen twice
 * writes the same rows; a finding is opened once while it is open; an event is applied once).
 */
public final class InventoryLedger {

  /** Who holds a membership through a request being granted right now (the lease), for the race a listing can lose. */
  @FunctionalInterface
  public interface LeaseLookup {
    /** The request holding {@code login}'s membership of {@code groupId}, or null. */
    String holder(String groupId, String login);

    LeaseLookup NONE = (group, login) -> null;
  }

  private final Jdbi jdbi;
  private final Clock clock;

  public InventoryLedger(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public void syncStarted(String syncId, String trigger, int groups) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO inventory_syncs (sync_id, trigger, groups, started_at)"
            + " VALUES (:id, :trigger, :groups, :now) ON CONFLICT DO NOTHING")
        .bind("id", syncId).bind("trigger", trigger).bind("groups", groups).bind("now", ts(clock.instant()))
        .execute());
  }

  public void syncFinished(String syncId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE inventory_syncs SET finished_at = coalesce(finished_at, :now)"
            + " WHERE sync_id = :id").bind("id", syncId).bind("now", ts(clock.instant())).execute());
  }

  /**
   * Checks the group against the IdP's answer on the first page of a sync: a group the IdP no
   * longer has, or has under another name, is a finding. Returns findings opened.
   *
   * @param idpName the group's name in the IdP; empty when the IdP has no such group
   */
  public int groupChecked(InventoryGroup group, Optional<String> idpName) {
    return jdbi.inTransaction(h -> {
      Instant now = clock.instant();
      ensureGroup(h, group);
      String before = h.createQuery("SELECT idp_name FROM inventory_groups WHERE group_id = :g")
          .bind("g", group.groupId()).mapTo(String.class).findOne().orElse(null);
      if (idpName.isEmpty()) {
        h.createUpdate("UPDATE inventory_groups SET state = 'missing' WHERE group_id = :g").bind("g", group.groupId())
            .execute();
        return openFinding(h, group, "", null, DriftRules.KIND_GROUP_MISSING, DriftRules.REPORT,
            "the IdP has no group " + group.groupId() + (before == null ? "" : " (last known as '" + before + "')")
                + "; role " + group.app() + "/" + group.role() + " cannot be granted until the catalog is fixed",
            "sync", now, null);
      }
      h.createUpdate("UPDATE inventory_groups SET state = 'present', idp_name = :name WHERE group_id = :g")
          .bind("g", group.groupId()).bind("name", idpName.get()).execute();
      resolveOpen(h, group.groupId(), "", DriftRules.KIND_GROUP_MISSING, "gone", "sync",
          "the IdP has the group again", now);
      if (before != null && !before.equals(idpName.get())) {
        return openFinding(h, group, "", null, DriftRules.KIND_GROUP_RENAMED, DriftRules.REPORT,
            "group " + group.groupId() + " of " + group.app() + "/" + group.role() + " was renamed in the IdP from '"
                + before + "' to '" + idpName.get() + "'; check the catalog still means it", "sync", now, null);
      }
      return 0;
    });
  }

  /**
   * Records one page of a group's members as listed by the IdP. Returns findings opened.
   *
   * @param listedAt when the listing of this page began (a removal recorded after it is not a comeback)
   */
  public int recordPage(String syncId, InventoryGroup group, List<DirectoryMember> members, Instant listedAt,
      LeaseLookup leases) {
    return jdbi.inTransaction(h -> {
      Instant now = clock.instant();
      ensureGroup(h, group);
      boolean baseline = h.createQuery("SELECT first_synced_at IS NULL FROM inventory_groups WHERE group_id = :g")
          .bind("g", group.groupId()).mapTo(Boolean.class).one();
      Map<String, DirectoryMember> byLogin = new LinkedHashMap<>();
      for (DirectoryMember member : members) {
        if (member.login() != null) {
          byLogin.put(key(member.login()), member);
        }
      }
      int findings = 0;
      Context context = context(h, group.groupId(), byLogin, now);
      PreparedBatch upserts = h.prepareBatch(UPSERT_MEMBERSHIP);
      for (DirectoryMember member : byLogin.values()) {
        String login = key(member.login());
        DriftRules.Verdict verdict = verdict(group, login, context, baseline, listedAt, leases);
        bindMembership(upserts, group.groupId(), login, member, verdict, syncId, now).add();
        findings += act(h, group, login, member.userId(), verdict, "sync " + syncId, now, context);
      }
      if (!byLogin.isEmpty()) {
        upserts.execute();
      }
      h.createUpdate("UPDATE inventory_syncs SET pages = pages + 1, members = members + :members,"
              + " findings = findings + :findings WHERE sync_id = :id")
          .bind("id", syncId).bind("members", byLogin.size()).bind("findings", findings).execute();
      return findings;
    });
  }

  /** Ends a group's sync: whoever was not seen in it has left the group. */
  public GroupSync finishGroup(String syncId, InventoryGroup group) {
    return jdbi.inTransaction(h -> {
      Instant now = clock.instant();
      ensureGroup(h, group);
      List<String> gone = h.createQuery("UPDATE memberships SET present = false, gone_at = :now WHERE group_id = :g"
              + " AND present AND last_sync_id IS DISTINCT FROM :sync RETURNING login")
          .bind("g", group.groupId()).bind("sync", syncId).bind("now", ts(now)).mapTo(String.class).list();
      for (String login : gone) {
        resolveOpen(h, group.groupId(), login, null, "gone", "sync " + syncId,
            "no longer in the group (not listed by sync " + syncId + ")", now);
      }
      int members = h.createQuery("SELECT count(*) FROM memberships WHERE group_id = :g AND present")
          .bind("g", group.groupId()).mapTo(Integer.class).one();
      int findings = h.createQuery("SELECT count(*) FROM drift_findings WHERE group_id = :g AND detected_by = :by")
          .bind("g", group.groupId()).bind("by", "sync " + syncId).mapTo(Integer.class).one();
      h.createUpdate("UPDATE inventory_groups SET first_synced_at = coalesce(first_synced_at, :now),"
              + " last_synced_at = :now, last_sync_id = :sync, members = :members WHERE group_id = :g")
          .bind("g", group.groupId()).bind("sync", syncId).bind("now", ts(now)).bind("members", members).execute();
      return new GroupSync(members, gone.size(), findings);
    });
  }

  /**
   * Applies membership changes the IdP reported, oldest first, each once. Changes of groups not in
   * {@code groups} (not in the catalog) are ignored. Returns findings opened.
   */
  public int observe(String syncId, List<MembershipChange> changes, Map<String, InventoryGroup> groups,
      LeaseLookup leases) {
    List<MembershipChange> ordered = new ArrayList<>(changes);
    ordered.sort(Comparator.comparing(MembershipChange::at, Comparator.nullsFirst(Comparator.naturalOrder())));
    int findings = 0;
    for (MembershipChange change : ordered) {
      InventoryGroup group = groups.get(change.groupId());
      if (group == null || change.login() == null) {
        continue;
      }
      findings += jdbi.inTransaction(h -> apply(h, syncId, group, change, leases));
    }
    return findings;
  }

  private int apply(Handle h, String syncId, InventoryGroup group, MembershipChange change, LeaseLookup leases) {
    boolean fresh = h.createUpdate("INSERT INTO inventory_events (event_id, applied_at) VALUES (:id, :now)"
            + " ON CONFLICT DO NOTHING").bind("id", change.eventId()).bind("now", ts(clock.instant())).execute() == 1;
    if (!fresh) {
      return 0;
    }
    Instant now = clock.instant();
    Instant at = change.at() != null ? change.at() : now;
    ensureGroup(h, group);
    String login = key(change.login());
    String by = "event " + change.eventId() + (change.actor() == null ? "" : " by " + change.actor());
    if (!change.added()) {
      int updated = h.createUpdate("UPDATE memberships SET present = false, gone_at = :at WHERE group_id = :g"
              + " AND login = :login AND present")
          .bind("g", group.groupId()).bind("login", login).bind("at", ts(at)).execute();
      if (updated > 0) {
        resolveOpen(h, group.groupId(), login, null, "gone", by, "removed from the group in the IdP", now);
      }
      return 0;
    }
    Context context = context(h, group.groupId(), Map.of(login, new DirectoryMember(change.userId(), login, null,
        null, null, null, null, null)), now);
    DriftRules.Verdict verdict = verdict(group, login, context, false, at, leases);
    DirectoryMember member = new DirectoryMember(change.userId(), login, null, null, null, null, null, null);
    // An event knows ids only: keep the profile a sync recorded (coalesce), and keep it present for a sync under way.
    bindMembership(h.prepareBatch(UPSERT_MEMBERSHIP), group.groupId(), login, member, verdict, syncId, now).add()
        .execute();
    return act(h, group, login, change.userId(), verdict, by, now, context);
  }

  /**
   * A grant of the group to the person that is in force.
   *
   * @param standing the grant found the person already in the group, so it leaves the membership in place at its end
   * @param expiresAt when it ends; null for none
   */
  public record ActiveGrant(String requestId, boolean standing, Instant expiresAt) {}

  /** The latest grant of the group to this person that is in force (not removed; a standing one until it expires). */
  public Optional<ActiveGrant> activeGrant(String groupId, String login, String userId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT request_id, standing, expires_at FROM grants WHERE group_id = :g"
            + " AND removed_at IS NULL AND NOT (standing AND expires_at <= :now)"
            + " AND (lower(requester) = :login OR idp_user_id = :user) ORDER BY granted_at DESC LIMIT 1")
        .bind("g", groupId).bind("login", key(login)).bind("user", userId).bind("now", ts(clock.instant()))
        .map((rs, ctx) -> new ActiveGrant(rs.getString("request_id"), rs.getBoolean("standing"),
            rs.getTimestamp("expires_at") == null ? null : rs.getTimestamp("expires_at").toInstant()))
        .findOne());
  }

  /** The membership left the group because accessflow removed it (drift): it is no longer present. */
  public void membershipRemoved(String groupId, String login) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE memberships SET present = false, gone_at = :now WHERE group_id = :g"
            + " AND login = :login AND present")
        .bind("g", groupId).bind("login", key(login)).bind("now", ts(clock.instant())).execute());
  }

  // ---- classification ----

  /** What the ledger knows about the people of one page, read in four queries. */
  private record Context(Map<String, String[]> active, Map<String, Object[]> removed, Map<String, String> known,
      Map<String, Long> open) {}

  private static Context context(Handle h, String groupId, Map<String, DirectoryMember> byLogin, Instant now) {
    String[] logins = byLogin.keySet().toArray(String[]::new);
    String[] ids = byLogin.values().stream().map(DirectoryMember::userId).filter(java.util.Objects::nonNull)
        .toArray(String[]::new);
    Map<String, String> loginOfId = new HashMap<>();
    byLogin.forEach((login, m) -> {
      if (m.userId() != null) {
        loginOfId.put(m.userId(), login);
      }
    });
    Map<String, String[]> active = new HashMap<>();
    Map<String, Object[]> removed = new HashMap<>();
    // A standing grant is never removed (the membership was there before it): it is in force until it expires.
    h.createQuery("SELECT lower(requester) AS login, idp_user_id, request_id, standing, removed_at FROM grants"
            + " WHERE group_id = :g AND (lower(requester) = ANY(:logins) OR idp_user_id = ANY(:ids))"
            + " AND NOT (standing AND expires_at <= :now) ORDER BY granted_at")
        .bind("g", groupId).bind("logins", logins).bind("ids", ids).bind("now", ts(now))
        .map((rs, ctx) -> {
          String login = byLogin.containsKey(rs.getString("login")) ? rs.getString("login")
              : loginOfId.get(rs.getString("idp_user_id"));
          if (login == null) {
            return null;
          }
          java.sql.Timestamp removedAt = rs.getTimestamp("removed_at");
          if (removedAt == null) {
            active.put(login, new String[] {rs.getString("request_id"), String.valueOf(rs.getBoolean("standing"))});
          } else {
            Object[] latest = removed.get(login);
            Instant at = removedAt.toInstant();
            if (latest == null || ((Instant) latest[1]).isBefore(at)) {
              removed.put(login, new Object[] {rs.getString("request_id"), at});
            }
          }
          return login;
        }).list();
    Map<String, String> known = new HashMap<>();
    h.createQuery("SELECT login, source FROM memberships WHERE group_id = :g AND login = ANY(:logins) AND present")
        .bind("g", groupId).bind("logins", logins)
        .map((rs, ctx) -> known.put(rs.getString("login"), rs.getString("source"))).list();
    Map<String, Long> open = new HashMap<>();
    h.createQuery("SELECT login, finding_id FROM drift_findings WHERE group_id = :g AND login = ANY(:logins)"
            + " AND state = 'open'")
        .bind("g", groupId).bind("logins", logins)
        .map((rs, ctx) -> open.put(rs.getString("login"), rs.getLong("finding_id"))).list();
    return new Context(active, removed, known, open);
  }

  private static DriftRules.Verdict verdict(InventoryGroup group, String login, Context context, boolean baseline,
      Instant seenAt, LeaseLookup leases) {
    String[] active = context.active().get(login);
    Object[] removed = context.removed().get(login);
    DriftRules.Verdict verdict = DriftRules.classify(new DriftRules.Known(
        active == null ? null : active[0], active != null && Boolean.parseBoolean(active[1]),
        removed == null ? null : (String) removed[0], removed == null ? null : (Instant) removed[1],
        context.known().get(login), baseline && !context.known().containsKey(login), seenAt));
    if (verdict.finding() != null && !DriftRules.KIND_STANDING.equals(verdict.finding())) {
      // The ledger learns of a grant a moment after the IdP does: a request holding the lease is a grant.
      String holder = leases.holder(group.groupId(), login);
      if (holder != null) {
        return new DriftRules.Verdict(DriftRules.GRANT, holder, null, "granted by request " + holder + " (being granted)");
      }
    }
    if (verdict.finding() != null && DriftRules.ADOPT.equals(DriftRules.policy(group.drift()))) {
      // Adopted at once: recorded as standing access, its finding closed by the policy.
      return new DriftRules.Verdict(DriftRules.STANDING, null, verdict.finding(), verdict.rule());
    }
    return verdict;
  }

  /** Opens the verdict's finding, or resolves an open one a grant now covers. Returns findings opened. */
  private int act(Handle h, InventoryGroup group, String login, String userId, DriftRules.Verdict verdict, String by,
      Instant now, Context context) {
    if (verdict.finding() != null) {
      return openFinding(h, group, login, userId, verdict.finding(), DriftRules.policy(group.drift()), verdict.rule(),
          by, now, verdict.finding().equals(DriftRules.KIND_REAPPEARED) ? now : now.plusSeconds(group.graceSeconds()));
    }
    if (DriftRules.GRANT.equals(verdict.source()) && context.open().containsKey(login)) {
      resolveOpen(h, group.groupId(), login, null, "granted", by, "request " + verdict.requestId()
          + " now grants this membership", now);
    }
    return 0;
  }

  private int openFinding(Handle h, InventoryGroup group, String login, String userId, String kind, String policy,
      String detail, String by, Instant now, Instant removeAfter) {
    boolean adopt = DriftRules.ADOPT.equals(policy) && !kind.startsWith("group-");
    boolean remove = DriftRules.REMOVE.equals(policy) && !kind.startsWith("group-");
    int opened = h.createUpdate("INSERT INTO drift_findings (group_id, login, idp_user_id, app, role, kind, policy,"
            + " detail, detected_at, detected_by, remove_after, state, resolved_at, resolved_by, resolution)"
            + " VALUES (:g, :login, :user, :app, :role, :kind, :policy, :detail, :now, :by, :removeAfter, :state,"
            + " :resolvedAt, :resolvedBy, :resolution) ON CONFLICT (group_id, login) WHERE state = 'open' DO NOTHING")
        .bind("g", group.groupId()).bind("login", login).bind("user", userId).bind("app", group.app())
        .bind("role", group.role()).bind("kind", kind).bind("policy", policy).bind("detail", detail)
        .bind("now", ts(now)).bind("by", by).bind("removeAfter", remove ? ts(removeAfter) : null)
        .bind("state", adopt ? "adopted" : "open").bind("resolvedAt", adopt ? ts(now) : null)
        .bind("resolvedBy", adopt ? "policy" : null)
        .bind("resolution", adopt ? "adopted as standing access by the role's drift policy" : null)
        .execute();
    return opened;
  }

  static void resolveOpen(Handle h, String groupId, String login, String kind, String state, String by,
      String resolution, Instant now) {
    h.createUpdate("UPDATE drift_findings SET state = :state, resolved_at = :now, resolved_by = :by,"
            + " resolution = :resolution WHERE group_id = :g AND login = :login AND state = 'open'"
            + (kind == null ? "" : " AND kind = :kind"))
        .bind("g", groupId).bind("login", login).bind("kind", kind).bind("state", state).bind("now", ts(now))
        .bind("by", by).bind("resolution", resolution).execute();
  }

  // ---- rows ----

  private static final String UPSERT_MEMBERSHIP = "INSERT INTO memberships (group_id, login, idp_user_id,"
      + " display_name, idp_status, last_login, department, title, manager, source, request_id, present, first_seen,"
      + " last_seen, gone_at, last_sync_id, first_department) VALUES (:g, :login, :user, :name, :status, :lastLogin,"
      + " :department, :title, :manager, :source, :request, true, :now, :now, NULL, :sync, :department)"
      + " ON CONFLICT (group_id, login) DO UPDATE SET idp_user_id = coalesce(EXCLUDED.idp_user_id, memberships.idp_user_id),"
      + " display_name = coalesce(EXCLUDED.display_name, memberships.display_name),"
      + " idp_status = coalesce(EXCLUDED.idp_status, memberships.idp_status),"
      + " last_login = coalesce(EXCLUDED.last_login, memberships.last_login),"
      + " department = coalesce(EXCLUDED.department, memberships.department),"
      // The department the stay began under (a review says "moved from Engineering to Sales").
      + " first_department = CASE WHEN memberships.present THEN coalesce(memberships.first_department,"
      + " EXCLUDED.department) ELSE EXCLUDED.department END,"
      + " title = coalesce(EXCLUDED.title, memberships.title),"
      + " manager = coalesce(EXCLUDED.manager, memberships.manager),"
      // A membership that had left and is back starts a new stay: first seen again now.
      + " first_seen = CASE WHEN memberships.present THEN memberships.first_seen ELSE EXCLUDED.first_seen END,"
      + " source = EXCLUDED.source, request_id = EXCLUDED.request_id, present = true, last_seen = EXCLUDED.last_seen, gone_at = NULL,"
      + " last_sync_id = coalesce(EXCLUDED.last_sync_id, memberships.last_sync_id)";

  private static PreparedBatch bindMembership(PreparedBatch batch, String groupId, String login, DirectoryMember m,
      DriftRules.Verdict verdict, String syncId, Instant now) {
    return batch.bind("g", groupId).bind("login", login).bind("user", m.userId()).bind("name", m.displayName())
        .bind("status", m.status()).bind("lastLogin", ts(m.lastLogin())).bind("department", m.department())
        .bind("title", m.title()).bind("manager", m.manager()).bind("source", verdict.source())
        .bind("request", verdict.requestId()).bind("now", ts(now)).bind("sync", syncId);
  }

  private static void ensureGroup(Handle h, InventoryGroup group) {
    h.createUpdate("INSERT INTO inventory_groups (group_id, app, role, state) VALUES (:g, :app, :role, 'present')"
            + " ON CONFLICT (group_id) DO UPDATE SET app = EXCLUDED.app, role = EXCLUDED.role")
        .bind("g", group.groupId()).bind("app", group.app()).bind("role", group.role()).execute();
  }

  static String key(String login) {
    return login.strip().toLowerCase(Locale.ROOT);
  }

  static java.time.OffsetDateTime ts(Instant at) {
    return PostgresLedger.ts(at);
  }
}
