package dev.accessflow.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Access reviews in the ledger: campaigns, their items (opened from the inventory, page by page),
 * each decision once, what the unreviewed rule did, and each revocation. The campaign workflow
 * holds only counts and cursors; everything a reviewer or an auditor sees is here. Decisions and
 * revocations also go on the audit log's hash chain (trail {@code review-<reviewId>-<itemId>}).
 */
public final class ReviewLedger {
  public static final String OPENING = "opening";
  public static final String OPEN = "open";
  public static final String ESCALATED = "escalated";
  public static final String CLOSING = "closing";
  public static final String CLOSED = "closed";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A campaign as stored. Roles of the scope are "app/role". */
  public record Campaign(String reviewId, String name, List<String> apps, List<String> roles, String reviewerRule,
      String unreviewed, List<String> escalateTo, String startedBy, String startedVia, Instant startedAt,
      Instant dueAt, String state, int items, String ticketKey, Instant escalatedAt, Instant closedAt,
      String outcome) {

    /** Decisions are taken while the campaign is open or escalated. */
    public boolean deciding() {
      return OPEN.equals(state) || ESCALATED.equals(state);
    }
  }

  /** One person's membership of one role in scope, as the inventory has it, before reviewers are chosen. */
  public record Candidate(String app, String role, String login, List<String> groups, String idpUserId,
      String displayName, String source, String requestId, String approvers, Instant expiresAt, String status,
      Instant lastLogin, String department, String firstDepartment, String title, String manager,
      Instant firstSeen) {

    /** The same, with the profile fields the inventory lacked taken from the IdP. */
    public Candidate withProfile(String name, String dept, String boss, Instant signedIn) {
      return new Candidate(app, role, login, groups, idpUserId, displayName != null ? displayName : name, source,
          requestId, approvers, expiresAt, status, lastLogin != null ? lastLogin : signedIn,
          department != null ? department : dept, firstDepartment != null ? firstDepartment : dept, title,
          manager != null ? manager : boss, firstSeen);
    }

    public ReviewRecommendations.Facts facts() {
      return new ReviewRecommendations.Facts(source, requestId, expiresAt, status, lastLogin, department,
          firstDepartment, firstSeen);
    }
  }

  /** An item to open: the candidate, its recommendation and who reviews it. */
  public record NewItem(Candidate candidate, ReviewRecommendations.Recommendation recommendation,
      List<String> reviewers, String reviewersNote) {}

  /** An item as stored. */
  public record Item(long itemId, String reviewId, String app, String role, String login, List<String> groups,
      String idpUserId, String displayName, String source, String requestId, String approvers, Instant expiresAt,
      String status, Instant lastLogin, String department, String firstDepartment, String title, String manager,
      String recommendation, String recommendedBy, String recommendationReason, List<String> reviewers,
      String reviewersNote, String decision, String decidedBy, String decidedVia, Instant decidedAt, String comment,
      String unreviewedOutcome, String revocationState, Instant revokedAt, String revocationDetail,
      String revocationError, int revocationAttempts) {

    public boolean pending() {
      return decision == null && unreviewedOutcome == null;
    }
  }

  /** Where a campaign stands. */
  public record Counts(int items, int pending, int kept, int revoked, int recommendedRevoke, int unreviewedKept,
      int unreviewedRevoked, int revocationsPending, int revocationsDone) {}

  private final Jdbi jdbi;
  private final Clock clock;

  public ReviewLedger(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  /** Stores a new campaign (state opening); false when one with its id exists already (a retried start). */
  public boolean create(Campaign c) {
    return jdbi.withHandle(h -> h.createUpdate("INSERT INTO reviews (review_id, name, scope, reviewer_rule, unreviewed,"
            + " escalate_to, started_by, started_via, started_at, due_at, state) VALUES (:id, :name, CAST(:scope AS jsonb),"
            + " :rule, :unreviewed, :escalateTo, :by, :via, :at, :due, 'opening') ON CONFLICT DO NOTHING")
        .bind("id", c.reviewId()).bind("name", c.name()).bind("scope", json(Map.of("apps", c.apps(), "roles", c.roles())))
        .bind("rule", c.reviewerRule()).bind("unreviewed", c.unreviewed())
        .bind("escalateTo", c.escalateTo().toArray(String[]::new)).bind("by", c.startedBy())
        .bind("via", c.startedVia()).bind("at", ts(c.startedAt())).bind("due", ts(c.dueAt())).execute() == 1);
  }

  /** Takes back a campaign whose workflow could not be started (nothing was opened for it yet). */
  public void forget(String reviewId) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM reviews WHERE review_id = :id AND state = 'opening'"
        + " AND NOT EXISTS (SELECT 1 FROM review_items WHERE review_id = :id)").bind("id", reviewId).execute());
  }

  public Optional<Campaign> campaign(String reviewId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reviews WHERE review_id = :id").bind("id", reviewId)
        .map((rs, ctx) -> campaign(rs)).findOne());
  }

  /** When the catalog's schedule last started a review of the app (whole app in scope), if ever. */
  public Optional<Instant> lastScheduled(String app) {
    return jdbi.withHandle(h -> h.createQuery("SELECT max(started_at) FROM reviews WHERE started_via = 'schedule'"
            + " AND scope @> jsonb_build_object('apps', jsonb_build_array(CAST(:app AS text)))").bind("app", app)
        .mapTo(java.time.OffsetDateTime.class).findOne().map(java.time.OffsetDateTime::toInstant));
  }

  /** Campaigns newest first. */
  public List<Campaign> campaigns(int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM reviews ORDER BY started_at DESC, review_id LIMIT :limit")
        .bind("limit", limit).map((rs, ctx) -> campaign(rs)).list());
  }

  /** The campaign's next candidates from the inventory, after the cursor its last page stored. */
  public List<Candidate> candidates(String reviewId, int limit) {
    Campaign c = campaign(reviewId).orElseThrow(() -> new IllegalStateException("no review " + reviewId));
    String cursor = jdbi.withHandle(h -> h.createQuery("SELECT open_cursor FROM reviews WHERE review_id = :id")
        .bind("id", reviewId).mapTo(String.class).findOne().orElse(null));
    return candidates(jdbi, c.apps(), c.roles(), cursor, limit);
  }

  /**
   * The inventory's present memberships of these apps (every role) and roles ("app/role"), one
   * candidate per person per role, after {@code cursor} (a {@link #cursorAfter}; null from the start).
   * Reviews and reclaim both read the inventory this way.
   */
  public static List<Candidate> candidates(Jdbi jdbi, List<String> apps, List<String> roles, String cursor,
      int limit) {
    String[] after = cursor == null ? new String[] {"", "", ""} : cursor.split("\n", 3);
    // One candidate per person per role: the keys first (paged), then each key's memberships.
    String sql = "WITH keys AS (SELECT DISTINCT g.app, g.role, m.login FROM memberships m"
        + " JOIN inventory_groups g ON g.group_id = m.group_id"
        + " WHERE m.present AND (g.app = ANY(:apps) OR g.app || '/' || g.role = ANY(:roles))"
        + " AND (g.app, g.role, m.login) > (:a, :r, :l) ORDER BY 1, 2, 3 LIMIT :limit)"
        + " SELECT k.app, k.role, k.login, m.group_id, m.idp_user_id, m.display_name, m.source, m.request_id,"
        + " m.idp_status, m.last_login, m.department, m.first_department, m.title, m.manager, m.first_seen,"
        + " coalesce(gr.expires_at, rq.expires_at) AS expires_at,"
        + " (SELECT string_agg(DISTINCT d.actor, ', ') FROM decisions d WHERE d.request_id = m.request_id"
        + "   AND d.verdict = 'APPROVE') AS approvers"
        + " FROM keys k JOIN inventory_groups g ON g.app = k.app AND g.role = k.role"
        + " JOIN memberships m ON m.group_id = g.group_id AND m.login = k.login AND m.present"
        + " LEFT JOIN requests rq ON rq.request_id = m.request_id"
        + " LEFT JOIN grants gr ON gr.request_id = m.request_id AND gr.group_id = m.group_id"
        + " ORDER BY k.app, k.role, k.login, m.group_id";
    Map<String, List<Map<String, Object>>> byKey = new LinkedHashMap<>();
    jdbi.useHandle(h -> h.createQuery(sql).bind("apps", apps.toArray(String[]::new))
        .bind("roles", roles.toArray(String[]::new)).bind("a", after[0]).bind("r", after[1]).bind("l", after[2])
        .bind("limit", limit).mapToMap()
        .forEach(row -> byKey.computeIfAbsent(row.get("app") + "\n" + row.get("role") + "\n" + row.get("login"),
            k -> new ArrayList<>()).add(row)));
    List<Candidate> out = new ArrayList<>();
    for (List<Map<String, Object>> rows : byKey.values()) {
      out.add(candidate(rows));
    }
    return out;
  }

  /** The cursor after a candidate, for {@link #addItems}. */
  public static String cursorAfter(Candidate last) {
    return last.app() + "\n" + last.role() + "\n" + last.login();
  }

  /** Opens the items of one page and moves the campaign's cursor past them, in one transaction; safe to repeat. */
  public int addItems(String reviewId, List<NewItem> items, String cursor) {
    return jdbi.inTransaction(h -> {
      var batch = h.prepareBatch("INSERT INTO review_items (review_id, app, role, login, groups, idp_user_id,"
          + " display_name, source, request_id, approvers, expires_at, idp_status, last_login, department,"
          + " first_department, title, manager, recommendation, recommended_by, recommendation_reason, reviewers,"
          + " reviewers_note) VALUES (:id, :app, :role, :login, :groups, :user, :name, :source, :request, :approvers,"
          + " :expires, :status, :lastLogin, :department, :firstDepartment, :title, :manager, :rec, :recBy, :recWhy,"
          + " :reviewers, :note) ON CONFLICT (review_id, app, role, login) DO NOTHING");
      for (NewItem item : items) {
        Candidate c = item.candidate();
        batch.bind("id", reviewId).bind("app", c.app()).bind("role", c.role()).bind("login", c.login())
            .bind("groups", c.groups().toArray(String[]::new)).bind("user", c.idpUserId()).bind("name", c.displayName())
            .bind("source", c.source()).bind("request", c.requestId()).bind("approvers", c.approvers())
            .bind("expires", ts(c.expiresAt())).bind("status", c.status()).bind("lastLogin", ts(c.lastLogin()))
            .bind("department", c.department()).bind("firstDepartment", c.firstDepartment()).bind("title", c.title())
            .bind("manager", c.manager()).bind("rec", item.recommendation().verdict())
            .bind("recBy", item.recommendation().rule()).bind("recWhy", item.recommendation().reason())
            .bind("reviewers", item.reviewers().toArray(String[]::new)).bind("note", item.reviewersNote()).add();
      }
      if (!items.isEmpty()) {
        batch.execute();
      }
      h.createUpdate("UPDATE reviews SET open_cursor = coalesce(:cursor, open_cursor),"
              + " items = (SELECT count(*) FROM review_items WHERE review_id = :id) WHERE review_id = :id")
          .bind("id", reviewId).bind("cursor", cursor).execute();
      return items.size();
    });
  }

  /** The campaign's items are all open: reviewers may decide. */
  public void opened(String reviewId) {
    setState(reviewId, OPENING, OPEN);
  }

  public void ticketOpened(String reviewId, String ticketKey) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reviews SET ticket_key = coalesce(ticket_key, :key) WHERE review_id = :id")
        .bind("id", reviewId).bind("key", ticketKey).execute());
  }

  public Optional<Item> item(String reviewId, long itemId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM review_items WHERE review_id = :id AND item_id = :item")
        .bind("id", reviewId).bind("item", itemId).map((rs, ctx) -> item(rs)).findOne());
  }

  /**
   * Which items a list shows: a reviewer's (null: everyone's); state pending (nobody decided yet),
   * decided, revoke (decided or ruled revoke) or null for all.
   */
  public record ItemFilter(String reviewer, String state) {}

  /** Items by id, after {@code afterId}. */
  public List<Item> items(String reviewId, ItemFilter filter, long afterId, int limit) {
    StringBuilder sql = new StringBuilder("SELECT * FROM review_items WHERE review_id = :id AND item_id > :after");
    if (filter.reviewer() != null) {
      sql.append(" AND lower(:reviewer) = ANY(reviewers)");
    }
    if ("pending".equals(filter.state())) {
      sql.append(" AND decision IS NULL AND unreviewed_outcome IS NULL");
    } else if ("decided".equals(filter.state())) {
      sql.append(" AND decision IS NOT NULL");
    } else if ("revoke".equals(filter.state())) {
      sql.append(" AND revocation_state IS NOT NULL");
    }
    sql.append(" ORDER BY item_id LIMIT :limit");
    return jdbi.withHandle(h -> h.createQuery(sql.toString()).bind("id", reviewId).bind("after", afterId)
        .bind("reviewer", filter.reviewer()).bind("limit", limit).map((rs, ctx) -> item(rs)).list());
  }

  public Counts counts(String reviewId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) AS items,"
            + " count(*) FILTER (WHERE decision IS NULL AND unreviewed_outcome IS NULL) AS pending,"
            + " count(*) FILTER (WHERE decision = 'keep') AS kept, count(*) FILTER (WHERE decision = 'revoke') AS revoked,"
            + " count(*) FILTER (WHERE recommendation = 'revoke') AS recommended_revoke,"
            + " count(*) FILTER (WHERE unreviewed_outcome = 'kept') AS unreviewed_kept,"
            + " count(*) FILTER (WHERE unreviewed_outcome = 'revoked') AS unreviewed_revoked,"
            + " count(*) FILTER (WHERE revocation_state = 'pending') AS revocations_pending,"
            + " count(*) FILTER (WHERE revocation_state = 'done') AS revocations_done"
            + " FROM review_items WHERE review_id = :id").bind("id", reviewId)
        .map((rs, ctx) -> new Counts(rs.getInt("items"), rs.getInt("pending"), rs.getInt("kept"), rs.getInt("revoked"),
            rs.getInt("recommended_revoke"), rs.getInt("unreviewed_kept"), rs.getInt("unreviewed_revoked"),
            rs.getInt("revocations_pending"), rs.getInt("revocations_done"))).one());
  }

  /**
   * Records a reviewer's decision on one item, once: refused (with why) when the campaign takes no
   * more decisions, the item is the reviewer's own access, they are not one of its reviewers, or it
   * is decided already. A revoke is queued for the campaign to carry out.
   *
   * @param via REST, SLACK or JIRA
   */
  public Item decide(String reviewId, long itemId, String verdict, String reviewer, String via, String comment) {
    if (!ReviewRecommendations.KEEP.equals(verdict) && !ReviewRecommendations.REVOKE.equals(verdict)) {
      throw new IllegalArgumentException("verdict must be keep or revoke");
    }
    String actor = reviewer.toLowerCase(java.util.Locale.ROOT);
    return jdbi.inTransaction(h -> {
      Campaign c = h.createQuery("SELECT * FROM reviews WHERE review_id = :id FOR SHARE").bind("id", reviewId)
          .map((rs, ctx) -> campaign(rs)).findOne().orElseThrow(() -> new LedgerRefusal(404, "no review " + reviewId));
      Item item = h.createQuery("SELECT * FROM review_items WHERE review_id = :id AND item_id = :item FOR UPDATE")
          .bind("id", reviewId).bind("item", itemId).map((rs, ctx) -> item(rs)).findOne()
          .orElseThrow(() -> new LedgerRefusal(404, "review " + reviewId + " has no item " + itemId));
      refuse(c, item, actor);
      Instant now = clock.instant();
      h.createUpdate("UPDATE review_items SET decision = :verdict, decided_by = :by, decided_via = :via, decided_at = :at,"
              + " comment = :comment, revocation_state = CASE WHEN :verdict = 'revoke' THEN 'pending' END,"
              + " next_attempt_at = CASE WHEN :verdict = 'revoke' THEN CAST(:at AS timestamptz) END WHERE item_id = :item")
          .bind("verdict", verdict).bind("by", actor).bind("via", via).bind("at", ts(now)).bind("comment", comment)
          .bind("item", itemId).execute();
      Item decided = h.createQuery("SELECT * FROM review_items WHERE item_id = :item").bind("item", itemId)
          .map((rs, ctx) -> item(rs)).one();
      chain(h, c, decided, 1, "REVIEW_DECISION", verdict.toUpperCase(java.util.Locale.ROOT), decisionText(c, decided));
      return decided;
    });
  }

  /** The reason a reviewer may not decide an item now, thrown; nothing when they may. */
  private static void refuse(Campaign c, Item item, String actor) {
    if (!c.deciding()) {
      throw new LedgerRefusal(409, "review " + c.reviewId() + " is " + c.state() + " and takes no more decisions");
    }
    if (item.login().equalsIgnoreCase(actor)) {
      throw new LedgerRefusal(403, "no-self-certification: " + actor + " cannot review their own access (item "
          + item.itemId() + ")");
    }
    if (!item.reviewers().contains(actor)) {
      throw new LedgerRefusal(403, "not-a-reviewer: " + actor + " is not a reviewer of item " + item.itemId()
          + (item.reviewers().isEmpty() ? "" : " (its reviewers: " + String.join(", ", item.reviewers()) + ")"));
    }
    if (!item.pending()) {
      throw new LedgerRefusal(409, "already-decided: item " + item.itemId() + " was " + (item.decision() != null
          ? "decided " + item.decision() + " by " + item.decidedBy() + " via " + item.decidedVia() + " at " + item.decidedAt()
          : item.unreviewedOutcome() + " by the campaign's unreviewed rule"));
    }
  }

  /**
   * Keeps, for {@code reviewer}, every pending item of theirs that the review recommends keeping
   * (never their own access). Returns the items kept.
   */
  public List<Item> keepRecommended(String reviewId, String reviewer, String via) {
    String actor = reviewer.toLowerCase(java.util.Locale.ROOT);
    Campaign c = campaign(reviewId).orElseThrow(() -> new LedgerRefusal(404, "no review " + reviewId));
    if (!c.deciding()) {
      throw new LedgerRefusal(409, "review " + reviewId + " is " + c.state() + " and takes no more decisions");
    }
    List<Long> ids = jdbi.withHandle(h -> h.createQuery("SELECT item_id FROM review_items WHERE review_id = :id"
            + " AND :actor = ANY(reviewers) AND login <> :actor AND recommendation = 'keep' AND decision IS NULL"
            + " AND unreviewed_outcome IS NULL ORDER BY item_id").bind("id", reviewId).bind("actor", actor)
        .mapTo(Long.class).list());
    List<Item> kept = new ArrayList<>();
    for (long id : ids) {
      try {
        kept.add(decide(reviewId, id, ReviewRecommendations.KEEP, actor, via, "kept as recommended (bulk)"));
      } catch (LedgerRefusal raced) {
        // Decided by someone else meanwhile: theirs stands.
      }
    }
    return kept;
  }

  /** Reviewers with items nobody has decided, after {@code after} in order, for reminders and messages. */
  public List<String> reviewersWithPending(String reviewId, String after, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT r FROM review_items, unnest(reviewers) AS r"
            + " WHERE review_id = :id AND decision IS NULL AND unreviewed_outcome IS NULL AND r > :after ORDER BY r"
            + " LIMIT :limit").bind("id", reviewId).bind("after", after == null ? "" : after).bind("limit", limit)
        .mapTo(String.class).list());
  }

  /** What is left for one reviewer: items nobody decided, and how many of them the review recommends keeping. */
  public record Left(int items, int recommendedKeeps) {}

  public Left left(String reviewId, String reviewer) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) AS n, count(*) FILTER (WHERE recommendation = 'keep'"
            + " AND login <> :r) AS keeps FROM review_items WHERE review_id = :id AND :r = ANY(reviewers)"
            + " AND decision IS NULL AND unreviewed_outcome IS NULL")
        .bind("id", reviewId).bind("r", reviewer.toLowerCase(java.util.Locale.ROOT))
        .map((rs, ctx) -> new Left(rs.getInt("n"), rs.getInt("keeps"))).one());
  }

  /**
   * At the due date with the escalate rule: every pending item goes to the escalation reviewers
   * (never the member themselves), and the campaign gets a new due date. Returns the items escalated.
   */
  public int escalate(String reviewId, Instant newDue) {
    return jdbi.inTransaction(h -> {
      Campaign c = h.createQuery("SELECT * FROM reviews WHERE review_id = :id FOR UPDATE").bind("id", reviewId)
          .map((rs, ctx) -> campaign(rs)).one();
      if (!OPEN.equals(c.state())) {
        return 0;
      }
      int moved = h.createUpdate("UPDATE review_items SET reviewers = array_remove(:to, login),"
              + " reviewers_note = 'escalated at the due date to ' || array_to_string(array_remove(:to, login), ', ')"
              + " WHERE review_id = :id AND decision IS NULL AND unreviewed_outcome IS NULL")
          .bind("id", reviewId).bind("to", c.escalateTo().toArray(String[]::new)).execute();
      h.createUpdate("UPDATE reviews SET state = 'escalated', escalated_at = :now, due_at = :due WHERE review_id = :id")
          .bind("id", reviewId).bind("now", ts(clock.instant())).bind("due", ts(newDue)).execute();
      return moved;
    });
  }

  /**
   * Ends the deciding: items nobody reviewed are kept or revoked as {@code rule} says (revokes
   * queued), and the campaign is closing. Returns the outcome in words, as stored on the campaign.
   */
  public String closeUnreviewed(String reviewId, String rule) {
    boolean revoke = ReviewRecommendations.REVOKE.equals(rule);
    return jdbi.inTransaction(h -> {
      Campaign c = h.createQuery("SELECT * FROM reviews WHERE review_id = :id FOR UPDATE").bind("id", reviewId)
          .map((rs, ctx) -> campaign(rs)).one();
      if (!c.deciding()) {
        return c.outcome();
      }
      Instant now = clock.instant();
      h.createUpdate("UPDATE reviews SET state = 'closing' WHERE review_id = :id").bind("id", reviewId).execute();
      List<Item> ruled = h.createQuery("UPDATE review_items SET unreviewed_outcome = :outcome,"
              + " revocation_state = CASE WHEN CAST(:revoke AS boolean) THEN 'pending' END,"
              + " next_attempt_at = CASE WHEN CAST(:revoke AS boolean) THEN CAST(:now AS timestamptz) END"
              + " WHERE review_id = :id AND decision IS NULL AND unreviewed_outcome IS NULL RETURNING *")
          .bind("id", reviewId).bind("outcome", revoke ? "revoked" : "kept").bind("revoke", revoke).bind("now", ts(now))
          .map((rs, ctx) -> item(rs)).list();
      String after = ESCALATED.equals(c.state()) ? " after escalation to " + String.join(", ", c.escalateTo()) : "";
      String outcome = c.items() == 0 ? "there was nothing to review: nobody held the access in scope"
          : ruled.isEmpty() ? "every item was reviewed by the due date"
          : ruled.size() + " item" + (ruled.size() == 1 ? " was" : "s were") + " not reviewed by the due date" + after
              + " and " + (revoke ? "are revoked" : "are kept") + " (unreviewed: " + (revoke ? "revoke" : c.unreviewed())
              + ")";
      for (Item item : ruled) {
        chain(h, c, item, 1, "REVIEW_UNREVIEWED", revoke ? "REVOKE" : "KEEP", "Review " + c.reviewId() + " (" + c.name()
            + "): item " + item.itemId() + ", " + item.login() + " in " + item.app() + "/" + item.role()
            + ", not reviewed by " + c.dueAt() + after + ": " + (revoke ? "revoked" : "kept") + " by the unreviewed rule.");
      }
      h.createUpdate("UPDATE reviews SET outcome = :outcome WHERE review_id = :id").bind("id", reviewId)
          .bind("outcome", outcome).execute();
      return outcome;
    });
  }

  /** Revocations due now (queued, not waiting out a failed attempt), oldest first. */
  public List<Item> dueRevocations(String reviewId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM review_items WHERE review_id = :id"
            + " AND revocation_state = 'pending' AND next_attempt_at <= :now ORDER BY next_attempt_at, item_id LIMIT :limit")
        .bind("id", reviewId).bind("now", ts(clock.instant())).bind("limit", limit).map((rs, ctx) -> item(rs)).list());
  }

  /** Revocations still to carry out, and when the next one is due (null: none). */
  public record RevocationBacklog(int pending, Instant nextAttemptAt) {}

  public RevocationBacklog revocationBacklog(String reviewId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT count(*) AS n, min(next_attempt_at) AS next FROM review_items"
            + " WHERE review_id = :id AND revocation_state = 'pending'").bind("id", reviewId)
        .map((rs, ctx) -> new RevocationBacklog(rs.getInt("n"), instant(rs, "next"))).one());
  }

  /** The IdP confirmed the revocation: recorded on the item and on the hash chain. */
  public void revoked(String reviewId, long itemId, String detail) {
    jdbi.useTransaction(h -> {
      int changed = h.createUpdate("UPDATE review_items SET revocation_state = 'done', revoked_at = :now,"
              + " revocation_detail = :detail, revocation_error = NULL, next_attempt_at = NULL,"
              + " revocation_attempts = revocation_attempts + 1 WHERE item_id = :item AND revocation_state = 'pending'")
          .bind("item", itemId).bind("now", ts(clock.instant())).bind("detail", detail).execute();
      if (changed == 0) {
        return;
      }
      Campaign c = h.createQuery("SELECT * FROM reviews WHERE review_id = :id").bind("id", reviewId)
          .map((rs, ctx) -> campaign(rs)).one();
      Item item = h.createQuery("SELECT * FROM review_items WHERE item_id = :item").bind("item", itemId)
          .map((rs, ctx) -> item(rs)).one();
      chain(h, c, item, 2, "REVIEW_REVOKED", "REVOKED", "Review " + c.reviewId() + ": item " + itemId + ", "
          + item.login() + " in " + item.app() + "/" + item.role() + ": " + detail + ".");
    });
  }

  /** The revocation did not go through this time: tried again at {@code retryAt}. */
  public void revocationFailed(long itemId, String error, Instant retryAt) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE review_items SET revocation_error = :error, next_attempt_at = :retry,"
            + " revocation_attempts = revocation_attempts + 1 WHERE item_id = :item AND revocation_state = 'pending'")
        .bind("item", itemId).bind("error", cap(error)).bind("retry", ts(retryAt)).execute());
  }

  /** Decisions, rulings and revocations not yet written to the campaign's ticket, oldest first. */
  public List<Item> unreported(String reviewId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM review_items WHERE review_id = :id"
            + " AND ((decided_at IS NOT NULL OR unreviewed_outcome IS NOT NULL) AND NOT decision_reported"
            + " OR revocation_state = 'done' AND NOT revocation_reported) ORDER BY item_id LIMIT :limit")
        .bind("id", reviewId).bind("limit", limit).map((rs, ctx) -> item(rs)).list());
  }

  /** What {@link #unreported} returned is on the ticket now. */
  public void markReported(List<Item> items) {
    jdbi.useHandle(h -> {
      var batch = h.prepareBatch("UPDATE review_items SET decision_reported = decision_reported OR :decided,"
          + " revocation_reported = revocation_reported OR :revoked WHERE item_id = :item");
      for (Item i : items) {
        batch.bind("item", i.itemId()).bind("decided", i.decision() != null || i.unreviewedOutcome() != null)
            .bind("revoked", "done".equals(i.revocationState())).add();
      }
      if (!items.isEmpty()) {
        batch.execute();
      }
    });
  }

  /** Every revocation is done: the campaign is closed. */
  public void closed(String reviewId) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reviews SET state = 'closed', closed_at = coalesce(closed_at, :now)"
            + " WHERE review_id = :id AND state = 'closing'").bind("id", reviewId).bind("now", ts(clock.instant()))
        .execute());
  }

  /** Where a reviewer's message of the campaign is (channel, ts), to edit it in place. */
  public Optional<String[]> message(String reviewId, String reviewer) {
    return jdbi.withHandle(h -> h.createQuery("SELECT channel, ts FROM review_messages WHERE review_id = :id"
            + " AND reviewer = :r").bind("id", reviewId).bind("r", reviewer)
        .map((rs, ctx) -> new String[] {rs.getString("channel"), rs.getString("ts")}).findOne());
  }

  public void messagePosted(String reviewId, String reviewer, String channel, String ts) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO review_messages (review_id, reviewer, channel, ts)"
            + " VALUES (:id, :r, :c, :ts) ON CONFLICT (review_id, reviewer) DO UPDATE SET channel = :c, ts = :ts")
        .bind("id", reviewId).bind("r", reviewer).bind("c", channel).bind("ts", ts).execute());
  }

  /** Every item of the campaign in id order, streamed (an export of any size holds one row at a time). */
  public void forEachItem(String reviewId, Consumer<Item> sink) {
    jdbi.useHandle(h -> {
      try (var items = h.createQuery("SELECT * FROM review_items WHERE review_id = :id ORDER BY item_id")
          .bind("id", reviewId).setFetchSize(500).map((rs, ctx) -> item(rs)).stream()) {
        items.forEach(sink);
      }
    });
  }

  /** The login of the person the IdP knows by {@code idpUserId}, if the inventory has met them. */
  public Optional<String> loginOf(String idpUserId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT login FROM memberships WHERE idp_user_id = :id LIMIT 1")
        .bind("id", idpUserId).mapTo(String.class).findOne());
  }

  /** The audit trail id of one review item. */
  public static String trail(String reviewId, long itemId) {
    return "review-" + reviewId + "-" + itemId;
  }

  private void chain(Handle h, Campaign c, Item item, long sequence, String kind, String status, String text) {
    Instant now = clock.instant();
    AuditChain.append(h, now, trail(c.reviewId(), item.itemId()), item.login(), item.app(), item.role(), c.ticketKey(),
        List.of(new AuditChain.Step(sequence, now, kind, status, cap(text))));
  }

  private static String decisionText(Campaign c, Item i) {
    return "Review " + c.reviewId() + " (" + c.name() + "): item " + i.itemId() + ", " + i.login() + " in " + i.app()
        + "/" + i.role() + " (" + String.join(", ", i.groups()) + "): " + i.decision() + " by " + i.decidedBy() + " via "
        + i.decidedVia() + (i.comment() == null || i.comment().isBlank() ? "" : ": " + i.comment())
        + " (recommended " + i.recommendation() + ": " + i.recommendationReason() + ").";
  }

  private void setState(String reviewId, String from, String to) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE reviews SET state = :to WHERE review_id = :id AND state = :from")
        .bind("id", reviewId).bind("from", from).bind("to", to).execute());
  }

  private static Candidate candidate(List<Map<String, Object>> rows) {
    // The role's groups the person is in; the rest from the membership that says most (a grant over standing).
    Map<String, Object> best = rows.get(0);
    for (Map<String, Object> row : rows) {
      if (rank((String) row.get("source")) > rank((String) best.get("source"))) {
        best = row;
      }
    }
    List<String> groups = rows.stream().map(r -> (String) r.get("group_id")).toList();
    Instant lastLogin = rows.stream().map(r -> instant(r.get("last_login"))).filter(java.util.Objects::nonNull)
        .max(Instant::compareTo).orElse(null);
    Instant firstSeen = rows.stream().map(r -> instant(r.get("first_seen"))).filter(java.util.Objects::nonNull)
        .min(Instant::compareTo).orElse(null);
    return new Candidate((String) best.get("app"), (String) best.get("role"), (String) best.get("login"), groups,
        (String) best.get("idp_user_id"), (String) best.get("display_name"), (String) best.get("source"),
        (String) best.get("request_id"), (String) best.get("approvers"), instant(best.get("expires_at")),
        (String) best.get("idp_status"), lastLogin, (String) best.get("department"),
        (String) best.get("first_department"), (String) best.get("title"), (String) best.get("manager"), firstSeen);
  }

  /** Out of band says most (it needs a look), then a grant (it names a request), then standing. */
  private static int rank(String source) {
    return DriftRules.OUT_OF_BAND.equals(source) ? 3 : DriftRules.GRANT.equals(source) ? 2 : 1;
  }

  private static Campaign campaign(ResultSet rs) throws SQLException {
    Map<?, ?> scope;
    try {
      scope = JSON.readValue(rs.getString("scope"), Map.class);
    } catch (JsonProcessingException e) {
      throw new SQLException("review " + rs.getString("review_id") + ": unreadable scope", e);
    }
    return new Campaign(rs.getString("review_id"), rs.getString("name"), strings(scope.get("apps")),
        strings(scope.get("roles")), rs.getString("reviewer_rule"), rs.getString("unreviewed"),
        array(rs.getArray("escalate_to")), rs.getString("started_by"), rs.getString("started_via"),
        instant(rs, "started_at"), instant(rs, "due_at"), rs.getString("state"), rs.getInt("items"),
        rs.getString("ticket_key"), instant(rs, "escalated_at"), instant(rs, "closed_at"), rs.getString("outcome"));
  }

  private static Item item(ResultSet rs) throws SQLException {
    return new Item(rs.getLong("item_id"), rs.getString("review_id"), rs.getString("app"), rs.getString("role"),
        rs.getString("login"), array(rs.getArray("groups")), rs.getString("idp_user_id"), rs.getString("display_name"),
        rs.getString("source"), rs.getString("request_id"), rs.getString("approvers"), instant(rs, "expires_at"),
        rs.getString("idp_status"), instant(rs, "last_login"), rs.getString("department"),
        rs.getString("first_department"), rs.getString("title"), rs.getString("manager"), rs.getString("recommendation"),
        rs.getString("recommended_by"), rs.getString("recommendation_reason"), array(rs.getArray("reviewers")),
        rs.getString("reviewers_note"), rs.getString("decision"), rs.getString("decided_by"),
        rs.getString("decided_via"), instant(rs, "decided_at"), rs.getString("comment"),
        rs.getString("unreviewed_outcome"), rs.getString("revocation_state"), instant(rs, "revoked_at"),
        rs.getString("revocation_detail"), rs.getString("revocation_error"), rs.getInt("revocation_attempts"));
  }

  private static List<String> strings(Object value) {
    return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
  }

  private static List<String> array(Array array) throws SQLException {
    return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    return LedgerQueries.instant(rs, column);
  }

  private static Instant instant(Object value) {
    if (value instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    return null;
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Texts from reviewers and vendors are stored at most this long. */
  static final int TEXT_MAX = 2_000;

  private static String cap(String text) {
    return text == null || text.length() <= TEXT_MAX ? text : text.substring(0, TEXT_MAX) + "…";
  }

  private static java.time.OffsetDateTime ts(Instant at) {
    return InventoryLedger.ts(at);
  }
}
