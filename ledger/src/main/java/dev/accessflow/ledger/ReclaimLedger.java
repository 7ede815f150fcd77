package dev.accessflow.ledger;

import dev.accessflow.ledger.ReclaimRules.Coverage;
import dev.accessflow.ledger.ReclaimRules.Finding;
import dev.accessflow.ledger.ReviewLedger.Candidate;
import dev.accessflow.workflows.model.ReclaimPolicy;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Auto-reclaim in the ledger: each scan (run) of an app, the memberships it found unused (items)
 * and how each ended (kept by a sign-in or a Keep with a reason, or removed through the IdP), and
 * how much of each app's sign-in log has been read. The run's workflow holds only cursors and
 * times; what a member, an owner or an auditor sees is here. Warnings, keeps and removals also go
 * on the audit log's hash chain (trail {@code reclaim-<runId>-<itemId>}).
 */
public final class ReclaimLedger {
  public static final String SCANNING = "scanning";
  public static final String GRACE = "grace";
  public static final String CLOSED = "closed";

  /** Item states with a grace or a removal still to come. */
  static final String OPEN_STATES = "('warned', 'keep-requested', 'removing')";

  /** A run as stored. started_via: schedule or rest. */
  public record Run(String runId, String app, String startedBy, String startedVia, Instant startedAt, String state,
      String ticketKey, Instant closedAt) {}

  /** A finding to record: the membership, the policy it was judged by and what the rules made of it. */
  public record NewItem(Candidate candidate, ReclaimPolicy policy, Finding finding) {}

  /** An item as stored. */
  public record Item(long itemId, String runId, String app, String role, String login, List<String> groups,
      String idpUserId, String displayName, String manager, String source, String requestId, String mode,
      String inactiveAfter, String grace, String signal, Instant lastUsed, String finding, String state,
      Instant warnedAt, Instant graceEndsAt, Instant notifiedAt, String reason, String decidedBy, String decidedVia,
      Instant decidedAt, Instant removedAt, String detail, String error, int attempts, Instant nextAttemptAt,
      String reportedState, String messageChannel, String messageTs, String messageState, String managerNotice,
      Instant managerToldAt, String managerChannel, String managerTs, String managerState) {}

  /**
   * What the app's owner was last shown of a run: the summary {@code shown} (a fingerprint of what
   * it said), in the message at channel/ts (null when the owner has no chat account).
   */
  public record OwnerNotice(String runId, String owner, String channel, String ts, String shown, Instant toldAt) {}

  /** How many items of a run are in each state. */
  public record Counts(int items, int warned, int keepRequested, int removing, int removed, int kept,
      int wouldReclaim, int exempt, int noSignal) {}

  /**
   * What a run still waits for: graces running (and the earliest end), removals under way (and when
   * the next is due).
   */
  public record Backlog(int inGrace, Instant nextGraceEnd, int removing, Instant nextAttemptAt) {}

  /** Which items a list shows; null fields match everything. */
  public record ItemFilter(String state, String app, String runId, String login) {}

  /** One person's latest sign-in to an app, as the IdP's log showed it. */
  public record SignIn(String login, String idpUserId, Instant at) {}

  /** How far an app's sign-in log is read, and the window being read now (null between reads). */
  public record UsageRead(String app, String idpApp, Instant coveredFrom, Instant coveredUntil, Instant windowFrom,
      Instant windowUntil, String cursor, long events, long pages) {

    /** What has been read whole, or null when no read has finished yet. */
    public Coverage coverage() {
      return coveredUntil == null ? null : new Coverage(coveredFrom, coveredUntil);
    }
  }

  private final Jdbi jdbi;
  private final Clock clock;

  public ReclaimLedger(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  // ---- runs

  /** Stores a new run (state scanning); false when one with its id exists already (a retried start). */
  public boolean createRun(Run run) {
    return jdbi.withHandle(h -> h.createUpdate("INSERT INTO reclaim_runs (run_id, app, started_by, started_via,"
            + " started_at, state) VALUES (:id, :app, :by, :via, :at, 'scanning') ON CONFLICT DO NOTHING")
        .bind("id", run.runId()).bind("app", run.app()).bind("by", run.startedBy()).bind("via", run.startedVia())
        .bind("at", ts(run.startedAt())).execute() == 1);
  }

  /** Takes back a run whose workflow could not be started (nothing was found for it yet). */
  public void forget(String runId) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM reclaim_runs WHERE run_id = :id AND state = 'scanning'"
        + " AND NOT EXISTS (SELECT 1 FROM reclaim_items WHERE run_id = :id)").bind("id", runId).execute());
  }

  public Optional<Run> run(String runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_runs WHERE run_id = :id").bind("id", runId)
        .map((rs, ctx) -> run(rs)).findOne());
  }

  /** When a scan of the app last started (by any channel), if ever. */
  public Optional<Instant> lastRun(String app) {
    return jdbi.withHandle(h -> h.createQuery("SELECT max(started_at) FROM reclaim_runs WHERE app = :app")
        .bind("app", app).mapTo(java.time.OffsetDateTime.class).findOne().map(java.time.OffsetDateTime::toInstant));
  }

  /** Runs newest first, of one app or (null) all. */
  public List<Run> runs(String app, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_runs WHERE (CAST(:app AS text) IS NULL OR app = :app)"
            + " ORDER BY started_at DESC, run_id LIMIT :limit").bind("app", app).bind("limit", limit)
        .map((rs, ctx) -> run(rs)).list());
  }

  /** Where the run's scan of the inventory stopped (a {@link ReviewLedger#cursorAfter}), or null from the start. */
  public String openCursor(String runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT open_cursor FROM reclaim_runs WHERE run_id = :id")
        .bind("id", runId).mapTo(String.class).findOne().orElse(null));
  }

  public void ticketOpened(String runId, String ticketKey) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reclaim_runs SET ticket_key = coalesce(ticket_key, :key)"
        + " WHERE run_id = :id").bind("id", runId).bind("key", ticketKey).execute());
  }

  /** The scan is done: the run waits out its graces. */
  public void scanned(String runId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reclaim_runs SET state = 'grace' WHERE run_id = :id AND state = 'scanning'")
        .bind("id", runId).execute());
  }

  /** Nothing of the run is open any more: closed. */
  public void closed(String runId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reclaim_runs SET state = 'closed', closed_at = coalesce(closed_at, :now)"
        + " WHERE run_id = :id").bind("id", runId).bind("now", ts(clock.instant())).execute());
  }

  // ---- items

  /** The next page of the app's memberships after {@code cursor} (a {@link ReviewLedger#cursorAfter}), one per person per role. */
  public List<Candidate> candidates(String app, String cursor, int limit) {
    return ReviewLedger.candidates(jdbi, List.of(app), List.of(), cursor, limit);
  }

  /**
   * Records one page of findings and moves the run's cursor past it, in one transaction; safe to
   * repeat. A person with an item still open (from any run) gets no second one. An exempt,
   * no-signal or dry-run finding is recorded only when the person's latest item says something
   * else, so a daily scan does not repeat itself. A warning starts the grace now and goes on the
   * hash chain. Returns the items recorded.
   */
  public int addItems(String runId, List<NewItem> items, String cursor) {
    Instant now = clock.instant();
    return jdbi.inTransaction(h -> {
      Run run = h.createQuery("SELECT * FROM reclaim_runs WHERE run_id = :id FOR UPDATE").bind("id", runId)
          .map((rs, ctx) -> run(rs)).one();
      int added = 0;
      for (NewItem item : items) {
        Candidate c = item.candidate();
        Finding f = item.finding();
        boolean warned = ReclaimRules.WARNED.equals(f.state());
        Optional<Item> stored = h.createQuery("INSERT INTO reclaim_items (run_id, app, role, login, groups, idp_user_id,"
                + " display_name, manager, source, request_id, mode, inactive_after, grace, signal, last_used, finding,"
                + " state, warned_at, grace_ends_at) SELECT :run, :app, :role, :login, :groups, :user, :name, :manager,"
                + " :source, :request, :mode, :inactive, :grace, :signal, :lastUsed, :finding, :state, :warnedAt,"
                + " :graceEnds WHERE CAST(:open AS boolean) OR coalesce((SELECT state FROM reclaim_items"
                + " WHERE app = :app AND role = :role AND login = :login ORDER BY item_id DESC LIMIT 1), '') <> :state"
                + " ON CONFLICT DO NOTHING RETURNING *")
            .bind("run", runId).bind("app", c.app()).bind("role", c.role()).bind("login", lower(c.login()))
            .bind("groups", c.groups().toArray(String[]::new)).bind("user", c.idpUserId())
            .bind("name", c.displayName()).bind("manager", c.manager()).bind("source", c.source())
            .bind("request", c.requestId()).bind("mode", item.policy().mode())
            .bind("inactive", item.policy().inactiveAfter().toString()).bind("grace", item.policy().grace().toString())
            .bind("signal", f.signal()).bind("lastUsed", ts(f.lastUsed())).bind("finding", cap(f.text()))
            .bind("state", f.state()).bind("warnedAt", warned ? ts(now) : null)
            .bind("graceEnds", warned ? ts(now.plus(item.policy().grace())) : null).bind("open", warned)
            .map((rs, ctx) -> item(rs)).findOne();
        if (stored.isEmpty()) {
          continue;
        }
        added++;
        if (warned) {
          Item i = stored.get();
          chain(h, run, i, 1, "RECLAIM_WARNED", "WARNED", "Reclaim " + runId + ": item " + i.itemId() + ", "
              + i.login() + " in " + i.app() + "/" + i.role() + " (" + String.join(", ", i.groups()) + "): "
              + i.finding() + ". Removed at " + i.graceEndsAt().truncatedTo(ChronoUnit.SECONDS)
              + " unless they sign in to the app or keep it with a reason.");
        }
      }
      h.createUpdate("UPDATE reclaim_runs SET open_cursor = coalesce(:cursor, open_cursor) WHERE run_id = :id")
          .bind("id", runId).bind("cursor", cursor).execute();
      return added;
    });
  }

  public Optional<Item> item(long itemId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_items WHERE item_id = :item").bind("item", itemId)
        .map((rs, ctx) -> item(rs)).findOne());
  }

  /** Items by id, after {@code afterId}. */
  public List<Item> items(ItemFilter filter, long afterId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT * FROM reclaim_items WHERE item_id > :after");
    if (filter.state() != null) {
      sql.append(" AND state = :state");
    }
    if (filter.app() != null) {
      sql.append(" AND app = :app");
    }
    if (filter.runId() != null) {
      sql.append(" AND run_id = :run");
    }
    if (filter.login() != null) {
      sql.append(" AND login = lower(:login)");
    }
    sql.append(" ORDER BY item_id LIMIT :limit");
    return jdbi.withHandle(h -> h.createQuery(sql.toString()).bind("after", afterId).bind("state", filter.state())
        .bind("app", filter.app()).bind("run", filter.runId()).bind("login", filter.login()).bind("limit", limit)
        .map((rs, ctx) -> item(rs)).list());
  }

  public Counts counts(String runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) AS items,"
            + " count(*) FILTER (WHERE state = 'warned') AS warned,"
            + " count(*) FILTER (WHERE state = 'keep-requested') AS keep_requested,"
            + " count(*) FILTER (WHERE state = 'removing') AS removing,"
            + " count(*) FILTER (WHERE state = 'removed') AS removed, count(*) FILTER (WHERE state = 'kept') AS kept,"
            + " count(*) FILTER (WHERE state = 'would-reclaim') AS would_reclaim,"
            + " count(*) FILTER (WHERE state = 'exempt') AS exempt,"
            + " count(*) FILTER (WHERE state = 'no-signal') AS no_signal FROM reclaim_items WHERE run_id = :id")
        .bind("id", runId).map((rs, ctx) -> new Counts(rs.getInt("items"), rs.getInt("warned"),
            rs.getInt("keep_requested"), rs.getInt("removing"), rs.getInt("removed"), rs.getInt("kept"),
            rs.getInt("would_reclaim"), rs.getInt("exempt"), rs.getInt("no_signal"))).one());
  }

  /** Warned people not yet told, in id order, for the run's messages. */
  public List<Item> untold(String runId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_items WHERE run_id = :id AND state = 'warned'"
            + " AND notified_at IS NULL ORDER BY item_id LIMIT :limit").bind("id", runId).bind("limit", limit)
        .map((rs, ctx) -> item(rs)).list());
  }

  /** The person was told (so a retried warning tells nobody twice). */
  public void told(long itemId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reclaim_items SET notified_at = coalesce(notified_at, :now)"
        + " WHERE item_id = :item").bind("item", itemId).bind("now", ts(clock.instant())).execute());
  }

  /** The person was told in a message that is edited in place from now on (it shows the item's state now). */
  public void messagePosted(long itemId, String channel, String ts) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reclaim_items SET notified_at = coalesce(notified_at, :now),"
            + " message_channel = :channel, message_ts = :ts, message_state = state WHERE item_id = :item")
        .bind("item", itemId).bind("channel", channel).bind("ts", ts).bind("now", ts(clock.instant())).execute());
  }

  /** Items of the run whose message (the person's or their manager's) shows an older state than theirs, oldest first. */
  public List<Item> staleMessages(String runId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_items WHERE run_id = :id AND ((message_ts IS NOT NULL"
            + " AND message_state IS DISTINCT FROM state) OR (manager_ts IS NOT NULL AND manager_state IS DISTINCT FROM"
            + " state)) ORDER BY item_id LIMIT :limit").bind("id", runId)
        .bind("limit", limit).map((rs, ctx) -> item(rs)).list());
  }

  /** The item's messages (the person's and their manager's) now show {@code state}. */
  public void messageShown(long itemId, String state) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reclaim_items SET message_state = CASE WHEN message_ts IS NULL"
            + " THEN message_state ELSE :state END, manager_state = CASE WHEN manager_ts IS NULL THEN manager_state"
            + " ELSE :state END WHERE item_id = :item")
        .bind("item", itemId).bind("state", state).execute());
  }

  /** Warnings the person was told of (or could not be) whose manager has not been seen to yet, in id order. */
  public List<Item> untoldManagers(String runId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_items WHERE run_id = :id AND state = 'warned'"
            + " AND notified_at IS NOT NULL AND manager_notice IS NULL ORDER BY item_id LIMIT :limit")
        .bind("id", runId).bind("limit", limit).map((rs, ctx) -> item(rs)).list());
  }

  /**
   * The manager was seen to, once: {@code notice} says how (told, or why not); channel and ts are the
   * message that is edited in place from now on, or null when none was posted. {@code manager} is
   * the one the IdP named when the inventory had none (it may then keep the access), else null.
   */
  public void managerTold(long itemId, String manager, String notice, String channel, String ts) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reclaim_items SET manager_notice = :notice, manager_told_at = :now,"
            + " manager = coalesce(manager, :manager),"
            + " manager_channel = :channel, manager_ts = :ts, manager_state = CASE WHEN CAST(:ts AS text) IS NULL"
            + " THEN NULL ELSE state END WHERE item_id = :item AND manager_notice IS NULL")
        .bind("item", itemId).bind("notice", cap(notice)).bind("channel", channel).bind("ts", ts)
        .bind("manager", manager).bind("now", ts(clock.instant())).execute());
  }

  /** What each owner was last shown of the run. */
  public List<OwnerNotice> ownerNotices(String runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_owner_notices WHERE run_id = :id ORDER BY owner")
        .bind("id", runId).map((rs, ctx) -> new OwnerNotice(rs.getString("run_id"), rs.getString("owner"),
            rs.getString("channel"), rs.getString("ts"), rs.getString("shown"), instant(rs, "told_at"))).list());
  }

  /** The owner now sees summary {@code shown}: in the message at channel/ts (the one already posted when null), or none. */
  public void ownerShown(String runId, String owner, String channel, String ts, String shown) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO reclaim_owner_notices (run_id, owner, channel, ts, shown, told_at)"
            + " VALUES (:run, :owner, :channel, :ts, :shown, :now) ON CONFLICT (run_id, owner) DO UPDATE SET"
            + " channel = coalesce(excluded.channel, reclaim_owner_notices.channel),"
            + " ts = coalesce(excluded.ts, reclaim_owner_notices.ts), shown = excluded.shown")
        .bind("run", runId).bind("owner", lower(owner)).bind("channel", channel).bind("ts", ts).bind("shown", shown)
        .bind("now", ts(clock.instant())).execute());
  }

  /**
   * Records a Keep with a reason, once. Under {@code keepConfirmedBy: member} the member's Keep (or
   * an owner's) ends the grace with the access kept. Under {@code owner} the member's Keep is a
   * request an owner confirms (the member never confirms their own, even when they are an owner);
   * an owner's Keep ends the grace. Refused, with why, when the item is not open, is the actor's
   * to neither ask nor confirm, or has no reason.
   *
   * The person's manager (as the IdP names them on the item) may keep it like the person when
   * {@code managerMayKeep} (the policy tells managers).
   *
   * @param via REST or SLACK
   * @param owners the app's owners (lower case)
   */
  public Item keep(long itemId, String actor, String via, String reason, List<String> owners,
      String keepConfirmedBy, boolean managerMayKeep) {
    String who = lower(actor);
    if (reason == null || reason.isBlank()) {
      throw new LedgerRefusal(400, "reason-required: a Keep says why the access is still needed");
    }
    return jdbi.inTransaction(h -> {
      Item item = h.createQuery("SELECT * FROM reclaim_items WHERE item_id = :item FOR UPDATE").bind("item", itemId)
          .map((rs, ctx) -> item(rs)).findOne().orElseThrow(() -> new LedgerRefusal(404, "no reclaim item " + itemId));
      boolean member = item.login().equals(who);
      boolean owner = owners.stream().map(ReclaimLedger::lower).anyMatch(who::equals);
      if (ReclaimRules.WOULD_RECLAIM.equals(item.state())) {
        throw new LedgerRefusal(409, "dry-run: item " + itemId + " was found in dry-run mode; nothing will be removed");
      }
      if (!ReclaimRules.WARNED.equals(item.state()) && !ReclaimRules.KEEP_REQUESTED.equals(item.state())) {
        throw new LedgerRefusal(409, "not-in-grace: item " + itemId + " is " + item.state()
            + (item.decidedBy() != null ? " (by " + item.decidedBy() + " via " + item.decidedVia() + ")" : ""));
      }
      boolean manager = managerMayKeep && !member && item.manager() != null && lower(item.manager()).equals(who);
      if (!member && !owner && !manager) {
        throw new LedgerRefusal(403, "not-member-or-owner: " + who + " is neither " + item.login()
            + (managerMayKeep ? ", their manager" : "") + " nor an owner of " + item.app()
            + (owners.isEmpty() ? "" : " (owners: " + String.join(", ", owners) + ")"));
      }
      boolean confirms = "owner".equals(keepConfirmedBy) ? owner && !member : true;
      if (!confirms && ReclaimRules.KEEP_REQUESTED.equals(item.state())) {
        throw new LedgerRefusal(409, member ? "no-self-confirmation: " + who + " asked to keep item " + itemId
            + " already; an owner of " + item.app() + " other than them confirms it"
            : "owner-confirms: item " + itemId + " already waits for an owner of " + item.app()
                + " to confirm its Keep; " + who + " is not one");
      }
      Instant now = clock.instant();
      String state = confirms ? ReclaimRules.KEPT : ReclaimRules.KEEP_REQUESTED;
      String text = cap(reason.strip());
      h.createUpdate("UPDATE reclaim_items SET state = :state, reason = :reason, decided_by = :by, decided_via = :via,"
              + " decided_at = :at WHERE item_id = :item").bind("state", state)
          .bind("reason", ReclaimRules.KEEP_REQUESTED.equals(item.state()) && item.reason() != null
              ? item.reason() + " / confirmed by " + who + ": " + text : text)
          .bind("by", who).bind("via", via).bind("at", ts(now)).bind("item", itemId).execute();
      Item kept = h.createQuery("SELECT * FROM reclaim_items WHERE item_id = :item").bind("item", itemId)
          .map((rs, ctx) -> item(rs)).one();
      Run run = run(h, item.runId());
      chain(h, run, kept, confirms ? 3 : 2, confirms ? "RECLAIM_KEPT" : "RECLAIM_KEEP_REQUESTED",
          confirms ? "KEPT" : "KEEP_REQUESTED", "Reclaim " + item.runId() + ": item " + itemId + ", " + item.login()
              + " in " + item.app() + "/" + item.role() + ": " + (confirms ? "kept by " : "keep asked for by ") + who
              + " via " + via + ": \"" + text + "\"" + (confirms ? "." : "; an owner confirms it before "
              + item.graceEndsAt().truncatedTo(ChronoUnit.SECONDS) + ", or it is removed then."));
      return kept;
    });
  }

  /**
   * Ends the grace of every open item of the run whose person has used the access since the scan
   * read it: a sign-in to the app the log shows, or (for items judged by the IdP's last login) a
   * newer last login in the inventory. Returns the items kept.
   */
  public List<Item> settleSignIns(String runId) {
    Instant now = clock.instant();
    return jdbi.inTransaction(h -> {
      List<Item> kept = h.createQuery("UPDATE reclaim_items i SET state = 'kept', decided_by = i.login,"
              + " decided_via = 'SIGN_IN', decided_at = :now, reason = 'signed in ' || to_char(u.at AT TIME ZONE 'UTC',"
              + " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') || CASE WHEN u.app_sign_in THEN ' to the app' ELSE ' to the IdP' END"
              + " FROM (SELECT i2.item_id, greatest(s.last_sign_in, CASE WHEN i2.signal <> 'app-sign-in' THEN"
              + "   (SELECT max(m.last_login) FROM memberships m WHERE m.login = i2.login AND m.group_id = ANY(i2.groups))"
              + "   END) AS at, s.last_sign_in IS NOT NULL AND s.last_sign_in > coalesce(i2.last_used, '-infinity')"
              + "   AS app_sign_in, i2.last_used"
              + "   FROM reclaim_items i2 LEFT JOIN app_sign_ins s ON s.app = i2.app AND s.login = i2.login"
              + "   WHERE i2.run_id = :id AND i2.state IN ('warned', 'keep-requested')) u"
              + " WHERE i.item_id = u.item_id AND u.at IS NOT NULL AND u.at > coalesce(u.last_used, '-infinity')"
              + " RETURNING i.*").bind("id", runId).bind("now", ts(now)).map((rs, ctx) -> item(rs)).list();
      if (!kept.isEmpty()) {
        Run run = run(h, runId);
        for (Item i : kept) {
          chain(h, run, i, 3, "RECLAIM_KEPT", "KEPT", "Reclaim " + runId + ": item " + i.itemId() + ", " + i.login()
              + " in " + i.app() + "/" + i.role() + ": kept, " + i.reason() + " during the grace.");
        }
      }
      return kept;
    });
  }

  /**
   * The policy of the role's memberships no longer removes anything (switched to dry-run, or taken
   * out of the catalog): every open item of the role in the run is kept, with {@code why}, on the
   * hash chain. Returns the items kept.
   */
  public List<Item> policyWithdrawn(String runId, String role, String why) {
    Instant now = clock.instant();
    return jdbi.inTransaction(h -> {
      List<Item> kept = h.createQuery("UPDATE reclaim_items SET state = 'kept', decided_by = 'catalog',"
              + " decided_via = 'POLICY', decided_at = :now, reason = :why, next_attempt_at = NULL"
              + " WHERE run_id = :id AND role = :role AND state IN " + OPEN_STATES + " RETURNING *")
          .bind("id", runId).bind("role", role).bind("now", ts(now)).bind("why", cap(why))
          .map((rs, ctx) -> item(rs)).list();
      if (!kept.isEmpty()) {
        Run run = run(h, runId);
        for (Item i : kept) {
          chain(h, run, i, 3, "RECLAIM_KEPT", "KEPT", "Reclaim " + runId + ": item " + i.itemId() + ", " + i.login()
              + " in " + i.app() + "/" + i.role() + ": kept, " + why + ".");
        }
      }
      return kept;
    });
  }

  /** The roles of the run's items whose grace runs or whose removal is under way. */
  public List<String> openRoles(String runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT role FROM reclaim_items WHERE run_id = :id AND state IN "
        + OPEN_STATES + " ORDER BY role").bind("id", runId).mapTo(String.class).list());
  }

  /** Items whose grace is over without a sign-in or a confirmed Keep: their removal is due now. Returns how many. */
  public int graceEnded(String runId) {
    Instant now = clock.instant();
    return jdbi.withHandle(h -> h.createUpdate("UPDATE reclaim_items SET state = 'removing', next_attempt_at = :now,"
            + " detail = CASE WHEN state = 'keep-requested' THEN 'keep asked for by ' || decided_by"
            + "   || ', not confirmed by an owner by the end of the grace' ELSE 'no sign-in and no Keep during the grace' END"
            + " WHERE run_id = :id AND state IN ('warned', 'keep-requested') AND grace_ends_at <= :now")
        .bind("id", runId).bind("now", ts(now)).execute());
  }

  /** Removals due now (not waiting out a failed attempt), oldest first. */
  public List<Item> dueRemovals(String runId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_items WHERE run_id = :id AND state = 'removing'"
            + " AND next_attempt_at <= :now ORDER BY next_attempt_at, item_id LIMIT :limit").bind("id", runId)
        .bind("now", ts(clock.instant())).bind("limit", limit).map((rs, ctx) -> item(rs)).list());
  }

  /** The IdP confirmed the removal: recorded on the item and on the hash chain. */
  public void removed(long itemId, String detail) {
    Instant now = clock.instant();
    jdbi.useTransaction(h -> {
      Optional<Item> done = h.createQuery("UPDATE reclaim_items SET state = 'removed', removed_at = :now,"
              + " detail = coalesce(detail || '; ', '') || :detail, error = NULL, next_attempt_at = NULL,"
              + " attempts = attempts + 1 WHERE item_id = :item AND state = 'removing' RETURNING *")
          .bind("item", itemId).bind("now", ts(now)).bind("detail", cap(detail)).map((rs, ctx) -> item(rs)).findOne();
      if (done.isPresent()) {
        Item i = done.get();
        chain(h, run(h, i.runId()), i, 4, "RECLAIM_REMOVED", "REMOVED", "Reclaim " + i.runId() + ": item "
            + i.itemId() + ", " + i.login() + " in " + i.app() + "/" + i.role() + ": unused (" + i.finding() + "); "
            + i.detail() + ".");
      }
    });
  }

  /** The removal did not go through this time: tried again at {@code retryAt}. */
  public void removalFailed(long itemId, String error, Instant retryAt) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reclaim_items SET error = :error, next_attempt_at = :retry,"
            + " attempts = attempts + 1 WHERE item_id = :item AND state = 'removing'")
        .bind("item", itemId).bind("error", cap(error)).bind("retry", ts(retryAt)).execute());
  }

  public Backlog backlog(String runId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) FILTER (WHERE state IN ('warned', 'keep-requested')) AS g,"
            + " min(grace_ends_at) FILTER (WHERE state IN ('warned', 'keep-requested')) AS next_grace,"
            + " count(*) FILTER (WHERE state = 'removing') AS r,"
            + " min(next_attempt_at) FILTER (WHERE state = 'removing') AS next_attempt"
            + " FROM reclaim_items WHERE run_id = :id AND state IN " + OPEN_STATES).bind("id", runId)
        .map((rs, ctx) -> new Backlog(rs.getInt("g"), instant(rs, "next_grace"), rs.getInt("r"),
            instant(rs, "next_attempt"))).one());
  }

  /** Items whose state the run's ticket does not show yet, oldest first. */
  public List<Item> unreported(String runId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reclaim_items WHERE run_id = :id"
            + " AND reported_state IS DISTINCT FROM state ORDER BY item_id LIMIT :limit").bind("id", runId)
        .bind("limit", limit).map((rs, ctx) -> item(rs)).list());
  }

  /** What {@link #unreported} returned is on the ticket now (each in the state it was written in). */
  public void markReported(List<Item> items) {
    jdbi.useHandle(h -> {
      var batch = h.prepareBatch("UPDATE reclaim_items SET reported_state = :state WHERE item_id = :item");
      for (Item i : items) {
        batch.bind("item", i.itemId()).bind("state", i.state()).add();
      }
      if (!items.isEmpty()) {
        batch.execute();
      }
    });
  }

  // ---- usage: the apps' sign-in logs

  public Optional<UsageRead> usageRead(String app) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM app_usage_reads WHERE app = :app").bind("app", app)
        .map((rs, ctx) -> usageRead(rs)).findOne());
  }

  /**
   * Starts (or, unfinished, keeps) a read of the app's log over [from, until). The first read of
   * an app, or of a new IdP app id, starts the coverage at {@code from}; a new id forgets the
   * sign-ins read from the old one. A later read starts where the coverage ends, unless that is
   * before {@code from} (the oldest the IdP still keeps): then the coverage starts over at
   * {@code from}, so a gap in the log never reads as "no sign-in". Returns the read as it stands.
   */
  public UsageRead beginRead(String app, String idpApp, Instant from, Instant until) {
    return jdbi.inTransaction(h -> {
      Optional<UsageRead> current = h.createQuery("SELECT * FROM app_usage_reads WHERE app = :app FOR UPDATE")
          .bind("app", app).map((rs, ctx) -> usageRead(rs)).findOne();
      if (current.isPresent() && current.get().idpApp().equals(idpApp)) {
        UsageRead r = current.get();
        if (r.windowFrom() != null) {
          return r; // a read under way goes on where it stopped
        }
        if (r.coveredUntil() != null && r.coveredUntil().isBefore(from)) {
          // Unread for longer than the IdP keeps its log: what happened in between is gone, so the
          // coverage starts over at what the log still has (the sign-ins read before stay true).
          h.createUpdate("UPDATE app_usage_reads SET covered_from = :from, covered_until = NULL, window_from = :from,"
                  + " window_until = :until, after_cursor = NULL WHERE app = :app").bind("app", app)
              .bind("from", ts(from)).bind("until", ts(until)).execute();
        } else {
          h.createUpdate("UPDATE app_usage_reads SET window_from = :from, window_until = :until, after_cursor = NULL"
                  + " WHERE app = :app").bind("app", app)
              .bind("from", ts(r.coveredUntil() != null ? r.coveredUntil() : from)).bind("until", ts(until)).execute();
        }
      } else {
        h.createUpdate("DELETE FROM app_sign_ins WHERE app = :app").bind("app", app).execute();
        h.createUpdate("INSERT INTO app_usage_reads (app, idp_app, covered_from, window_from, window_until)"
                + " VALUES (:app, :idp, :from, :from, :until) ON CONFLICT (app) DO UPDATE SET idp_app = :idp,"
                + " covered_from = :from, covered_until = NULL, window_from = :from, window_until = :until,"
                + " after_cursor = NULL, events = 0, pages = 0").bind("app", app).bind("idp", idpApp)
            .bind("from", ts(from)).bind("until", ts(until)).execute();
      }
      return h.createQuery("SELECT * FROM app_usage_reads WHERE app = :app").bind("app", app)
          .map((rs, ctx) -> usageRead(rs)).one();
    });
  }

  /**
   * Records one page of the app's log (each person's latest sign-in kept) and where the next page
   * starts, in one transaction; a null {@code next} ends the read, and the coverage reaches the
   * window's end.
   */
  public void recordSignIns(String app, List<SignIn> signIns, String next) {
    jdbi.useTransaction(h -> {
      upsertSignIns(h, app, signIns);
      h.createUpdate("UPDATE app_usage_reads SET events = events + :n, pages = pages + 1, after_cursor = :next,"
              + " covered_until = CASE WHEN CAST(:next AS text) IS NULL THEN window_until ELSE covered_until END,"
              + " window_from = CASE WHEN CAST(:next AS text) IS NULL THEN NULL ELSE window_from END,"
              + " window_until = CASE WHEN CAST(:next AS text) IS NULL THEN NULL ELSE window_until END"
              + " WHERE app = :app AND window_from IS NOT NULL").bind("app", app).bind("n", signIns.size())
          .bind("next", next).execute();
    });
  }

  /** Sign-ins an event hook reported (outside any read): each person's latest kept. */
  public void signedIn(String app, List<SignIn> signIns) {
    jdbi.useTransaction(h -> upsertSignIns(h, app, signIns));
  }

  /** The latest sign-in to the app of each of these people that the ledger knows. */
  public Map<String, Instant> lastSignIns(String app, List<String> logins) {
    Map<String, Instant> out = new HashMap<>();
    jdbi.useHandle(h -> h.createQuery("SELECT login, last_sign_in FROM app_sign_ins WHERE app = :app"
            + " AND login = ANY(:logins)").bind("app", app)
        .bind("logins", logins.stream().map(ReclaimLedger::lower).toArray(String[]::new))
        .map((rs, ctx) -> Map.entry(rs.getString("login"), instant(rs, "last_sign_in")))
        .forEach(e -> out.put(e.getKey(), e.getValue())));
    return out;
  }

  private static void upsertSignIns(Handle h, String app, List<SignIn> signIns) {
    if (signIns.isEmpty()) {
      return;
    }
    // One row per person: the page's latest sign-in of each, merged with what is stored.
    Map<String, SignIn> latest = new HashMap<>();
    for (SignIn s : signIns) {
      latest.merge(lower(s.login()), s, (a, b) -> a.at().isAfter(b.at()) ? a : b);
    }
    var batch = h.prepareBatch("INSERT INTO app_sign_ins (app, login, idp_user_id, last_sign_in)"
        + " VALUES (:app, :login, :user, :at) ON CONFLICT (app, login) DO UPDATE SET"
        + " last_sign_in = greatest(app_sign_ins.last_sign_in, excluded.last_sign_in),"
        + " idp_user_id = coalesce(excluded.idp_user_id, app_sign_ins.idp_user_id)");
    latest.forEach((login, s) -> batch.bind("app", app).bind("login", login).bind("user", s.idpUserId())
        .bind("at", ts(s.at())).add());
    batch.execute();
  }

  /** The audit trail id of one reclaim item. */
  public static String trail(String runId, long itemId) {
    return "reclaim-" + runId + "-" + itemId;
  }

  private void chain(Handle h, Run run, Item item, long sequence, String kind, String status, String text) {
    Instant now = clock.instant();
    AuditChain.append(h, now, trail(item.runId(), item.itemId()), item.login(), item.app(), item.role(),
        run.ticketKey(), List.of(new AuditChain.Step(sequence, now, kind, status, cap(text))));
  }

  private static Run run(Handle h, String runId) {
    return h.createQuery("SELECT * FROM reclaim_runs WHERE run_id = :id").bind("id", runId)
        .map((rs, ctx) -> run(rs)).one();
  }

  private static Run run(ResultSet rs) throws SQLException {
    return new Run(rs.getString("run_id"), rs.getString("app"), rs.getString("started_by"),
        rs.getString("started_via"), instant(rs, "started_at"), rs.getString("state"), rs.getString("ticket_key"),
        instant(rs, "closed_at"));
  }

  private static Item item(ResultSet rs) throws SQLException {
    return new Item(rs.getLong("item_id"), rs.getString("run_id"), rs.getString("app"), rs.getString("role"),
        rs.getString("login"), array(rs.getArray("groups")), rs.getString("idp_user_id"),
        rs.getString("display_name"), rs.getString("manager"), rs.getString("source"), rs.getString("request_id"),
        rs.getString("mode"), rs.getString("inactive_after"), rs.getString("grace"), rs.getString("signal"),
        instant(rs, "last_used"), rs.getString("finding"), rs.getString("state"), instant(rs, "warned_at"),
        instant(rs, "grace_ends_at"), instant(rs, "notified_at"), rs.getString("reason"), rs.getString("decided_by"),
        rs.getString("decided_via"), instant(rs, "decided_at"), instant(rs, "removed_at"), rs.getString("detail"),
        rs.getString("error"), rs.getInt("attempts"), instant(rs, "next_attempt_at"), rs.getString("reported_state"),
        rs.getString("message_channel"), rs.getString("message_ts"), rs.getString("message_state"),
        rs.getString("manager_notice"), instant(rs, "manager_told_at"), rs.getString("manager_channel"),
        rs.getString("manager_ts"), rs.getString("manager_state"));
  }

  private static UsageRead usageRead(ResultSet rs) throws SQLException {
    return new UsageRead(rs.getString("app"), rs.getString("idp_app"), instant(rs, "covered_from"),
        instant(rs, "covered_until"), instant(rs, "window_from"), instant(rs, "window_until"),
        rs.getString("after_cursor"), rs.getLong("events"), rs.getLong("pages"));
  }

  private static List<String> array(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return LedgerQueries.instant(rs, column);
  }

  private static String lower(String login) {
    return login == null ? null : login.toLowerCase(Locale.ROOT);
  }

  private static String cap(String text) {
    return text == null || text.length() <= ReviewLedger.TEXT_MAX ? text
        : text.substring(0, ReviewLedger.TEXT_MAX) + "…";
  }

  private static java.time.OffsetDateTime ts(Instant at) {
    return InventoryLedger.ts(at);
  }
}
