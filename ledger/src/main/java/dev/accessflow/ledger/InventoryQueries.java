package dev.accessflow.ledger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** The inventory's reads: who is in which catalog group, from where, and how the syncs went. */
public final class InventoryQueries {
  private final Jdbi jdbi;

  public InventoryQueries(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * One membership of a catalog group.
   *
   * @param source grant (requestId names it), standing or out-of-band
   * @param openFinding the open drift finding about it, or null
   */
  public record MembershipLine(String groupId, String groupName, String app, String role, String login,
      String idpUserId, String displayName, String status, Instant lastLogin, String department, String title,
      String manager, String source, String requestId, boolean present, Instant firstSeen, Instant lastSeen,
      Instant goneAt, Long openFinding) {}

  /** Which memberships a list shows; null fields do not filter; present false lists those gone. */
  public record Filter(String app, String role, String groupId, String login, String source, boolean present) {}

  /** A catalog group as the last sync saw it. */
  public record GroupLine(String groupId, String app, String role, String idpName, String state, Instant firstSyncedAt,
      Instant lastSyncedAt, String lastSyncId, int members) {}

  /** One sync: when, why, and what it read. */
  public record SyncLine(String syncId, String trigger, int groups, Instant startedAt, Instant finishedAt, int pages,
      int members, int findings) {}

  /** Memberships ordered by group and login, after the cursor ({@code group_id + "/" + login} of the last line). */
  public List<MembershipLine> memberships(Filter filter, String afterGroup, String afterLogin, int limit) {
    StringBuilder sql = new StringBuilder("SELECT m.*, g.idp_name, g.app, g.role, f.finding_id FROM memberships m"
        + " JOIN inventory_groups g ON g.group_id = m.group_id"
        + " LEFT JOIN drift_findings f ON f.group_id = m.group_id AND f.login = m.login AND f.state = 'open'"
        + " WHERE m.present = :present");
    if (filter.app() != null) {
      sql.append(" AND g.app = :app");
    }
    if (filter.role() != null) {
      sql.append(" AND g.role = :role");
    }
    if (filter.groupId() != null) {
      sql.append(" AND m.group_id = :group");
    }
    if (filter.login() != null) {
      sql.append(" AND m.login = lower(:login)");
    }
    if (filter.source() != null) {
      sql.append(" AND m.source = :source");
    }
    if (afterGroup != null) {
      sql.append(" AND (m.group_id, m.login) > (:afterGroup, :afterLogin)");
    }
    sql.append(" ORDER BY m.group_id, m.login LIMIT :limit");
    return jdbi.withHandle(h -> h.createQuery(sql.toString())
        .bind("present", filter.present()).bind("app", filter.app()).bind("role", filter.role())
        .bind("group", filter.groupId()).bind("login", filter.login()).bind("source", filter.source())
        .bind("afterGroup", afterGroup).bind("afterLogin", afterLogin).bind("limit", limit)
        .map((rs, ctx) -> membership(rs)).list());
  }

  public List<GroupLine> groups() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM inventory_groups ORDER BY app, role, group_id")
        .map((rs, ctx) -> new GroupLine(rs.getString("group_id"), rs.getString("app"), rs.getString("role"),
            rs.getString("idp_name"), rs.getString("state"), DriftFindings.instant(rs.getTimestamp("first_synced_at")),
            DriftFindings.instant(rs.getTimestamp("last_synced_at")), rs.getString("last_sync_id"), rs.getInt("members")))
        .list());
  }

  /** The latest sync, finished or not. */
  public Optional<SyncLine> lastSync() {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM inventory_syncs ORDER BY started_at DESC, sync_id DESC"
            + " LIMIT 1")
        .map((rs, ctx) -> new SyncLine(rs.getString("sync_id"), rs.getString("trigger"), rs.getInt("groups"),
            DriftFindings.instant(rs.getTimestamp("started_at")), DriftFindings.instant(rs.getTimestamp("finished_at")),
            rs.getInt("pages"), rs.getInt("members"), rs.getInt("findings")))
        .findOne());
  }

  private static MembershipLine membership(ResultSet rs) throws SQLException {
    Long finding = rs.getObject("finding_id") == null ? null : rs.getLong("finding_id");
    return new MembershipLine(rs.getString("group_id"), rs.getString("idp_name"), rs.getString("app"),
        rs.getString("role"), rs.getString("login"), rs.getString("idp_user_id"), rs.getString("display_name"),
        rs.getString("idp_status"), DriftFindings.instant(rs.getTimestamp("last_login")), rs.getString("department"),
        rs.getString("title"), rs.getString("manager"), rs.getString("source"), rs.getString("request_id"),
        rs.getBoolean("present"), DriftFindings.instant(rs.getTimestamp("first_seen")),
        DriftFindings.instant(rs.getTimestamp("last_seen")), DriftFindings.instant(rs.getTimestamp("gone_at")),
        finding);
  }
}
