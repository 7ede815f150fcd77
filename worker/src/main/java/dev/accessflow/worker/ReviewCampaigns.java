package dev.accessflow.worker;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.ledger.ReviewLedger.Campaign;
import dev.accessflow.ledger.ReviewLedger.Candidate;
import dev.accessflow.ledger.ReviewLedger.Item;
import dev.accessflow.ledger.ReviewRecommendations;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.ReviewPass;
import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.IdentityProvider;
import dev.accessflow.workflows.ports.ReviewMessages;
import dev.accessflow.workflows.ports.ReviewMessages.DigestItem;
import dev.accessflow.workflows.ports.ReviewMessages.ReviewerDigest;
import dev.accessflow.workflows.ports.ReviewWork;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access reviews' activities: items opened from the inventory with a recommendation and their
 * reviewers (by the campaign's rule, never the member), reviewers told in chat, revocations
 * carried out through the person's membership workflow (an active grant's request revoked first),
 * and the campaign's record written to its ticket.
 */
public final class ReviewCampaigns implements ReviewWork {
  private static final Logger audit = LoggerFactory.getLogger("accessflow.audit");
  /** Items a reviewer's message shows at once (two blocks each, within Slack's 50). */
  static final int ITEMS_PER_MESSAGE = 10;
  /** A revocation that did not go through is tried again after this. */
  static final Duration RETRY_REVOCATION = Duration.ofMinutes(1);
  /** Members of a reviewer group read at most (a group of reviewers, not a department). */
  static final int REVIEWER_GROUP_MAX = 1_000;

  private final ReviewLedger reviews;
  private final Catalog catalog;
  private final ReviewRecommendations recommendations;
  private final GroupDirectory directory;
  private final ReviewMessages chat;
  private final AccessTickets tickets;
  private final AccessRemoval removals;
  private final IdentityProvider idp;
  private final Clock clock;
  private final Map<String, List<String>> reviewerGroups = new ConcurrentHashMap<>();

  public ReviewCampaigns(ReviewLedger reviews, Catalog catalog, ReviewRecommendations recommendations,
      GroupDirectory directory, ReviewMessages chat, AccessTickets tickets, InventoryLedger inventory,
      InventoryLedger.LeaseLookup leases, AccessRemoval.GrantRevoker grants, DriftResponse.UnheldRemoval removal,
      IdentityProvider idp, Clock clock) {
    this.reviews = reviews;
    this.catalog = catalog;
    this.recommendations = recommendations;
    this.directory = directory;
    this.chat = chat;
    this.tickets = tickets;
    this.removals = new AccessRemoval(inventory, leases, grants, removal, idp);
    this.idp = idp;
    this.clock = clock;
  }

  @Override
  public String openTicket(String reviewId) {
    Campaign c = campaign(reviewId);
    if (c.ticketKey() != null) {
      return c.ticketKey();
    }
    String key = tickets.openReviewTicket(reviewId, "Access review: " + c.name() + " (" + scope(c) + "), due "
        + day(c.dueAt()), description(c));
    if (key != null) {
      reviews.ticketOpened(reviewId, key);
    }
    return key == null ? "" : key;
  }

  @Override
  public int openPage(String reviewId, int limit) {
    Campaign c = campaign(reviewId);
    List<Candidate> page = reviews.candidates(reviewId, limit);
    if (page.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    List<ReviewLedger.NewItem> items = new ArrayList<>();
    for (Candidate listed : page) {
      Candidate candidate = profiled(listed);
      Reviewers who = reviewers(c, candidate);
      items.add(new ReviewLedger.NewItem(candidate, recommendations.recommend(candidate.facts(), now), who.logins(),
          who.note()));
    }
    return reviews.addItems(reviewId, items, ReviewLedger.cursorAfter(page.get(page.size() - 1)));
  }

  /**
   * A membership an event hook reported carries no profile until the next sync: the reviewer still
   * sees name, department, manager and last sign-in, read from the IdP now.
   */
  private Candidate profiled(Candidate c) {
    if (c.displayName() != null || c.department() != null) {
      return c;
    }
    try {
      var user = idp.resolveUser(c.login());
      return c.withProfile(user.displayName(), user.department(), user.manager(), user.lastLogin());
    } catch (RuntimeException e) {
      return c; // an unknown person is reviewed with what the inventory has
    }
  }

  @Override
  public int opened(String reviewId) {
    reviewerGroups.keySet().removeIf(key -> key.startsWith(reviewId + "\n"));
    reviews.opened(reviewId);
    Campaign c = campaign(reviewId);
    ReviewLedger.Counts counts = reviews.counts(reviewId);
    audit.info("review {} ({}) open: {} items over {}, due {}, unreviewed: {}", reviewId, c.name(), counts.items(),
        scope(c), c.dueAt(), c.unreviewed());
    if (c.ticketKey() != null) {
      tickets.commentReview(c.ticketKey(), reviewId, 0, "Opened " + counts.items() + " items from the inventory; "
          + counts.recommendedRevoke() + " recommended for revocation. Reviewers are told now; each decision and"
          + " each revocation is written here as it happens.");
    }
    return counts.items();
  }

  @Override
  public String tellReviewers(String reviewId, String occasion, String afterReviewer, int limit) {
    List<String> page = reviews.reviewersWithPending(reviewId, afterReviewer, limit);
    Campaign c = campaign(reviewId);
    for (String reviewer : page) {
      show(c, reviewer, occasion);
    }
    return page.isEmpty() ? null : page.get(page.size() - 1);
  }

  @Override
  public void refreshMessages(String reviewId, List<String> reviewers) {
    Campaign c = campaign(reviewId);
    for (String reviewer : reviewers) {
      // Only messages that exist are edited: a reviewer told nothing yet is told at the next occasion.
      if (reviews.message(reviewId, reviewer).isPresent()) {
        show(c, reviewer, "update");
      }
    }
  }

  private void show(Campaign c, String reviewer, String occasion) {
    ReviewLedger.Left left = reviews.left(c.reviewId(), reviewer);
    List<DigestItem> items = reviews.items(c.reviewId(), new ReviewLedger.ItemFilter(reviewer, "pending"), 0,
        ITEMS_PER_MESSAGE).stream().map(ReviewCampaigns::digestItem).toList();
    ChatMessageRef existing = reviews.message(c.reviewId(), reviewer)
        .map(ref -> new ChatMessageRef(reviewer, ref[0], ref[1])).orElse(null);
    ChatMessageRef posted = chat.show(new ReviewerDigest(c.reviewId(), c.name(), reviewer, occasion, c.dueAt(),
        left.items(), left.recommendedKeeps(), items), existing);
    if (posted != null && (existing == null || !posted.ts().equals(existing.ts()))) {
      reviews.messagePosted(c.reviewId(), reviewer, posted.channelId(), posted.ts());
    }
  }

  private static DigestItem digestItem(Item i) {
    return new DigestItem(i.itemId(), i.login(), i.displayName(), i.app(), i.role(), i.source(), i.requestId(),
        i.lastLogin() == null ? "never" : i.lastLogin().truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10),
        i.department(), i.title(), i.recommendation(), i.recommendationReason());
  }

  @Override
  public ReviewPass revoke(String reviewId, int limit) {
    List<Item> due = reviews.dueRevocations(reviewId, limit);
    int revoked = 0;
    int failed = 0;
    for (Item item : due) {
      if (revokeItem(reviewId, item)) {
        revoked++;
      } else {
        failed++;
      }
    }
    int stillDue = due.size() == limit ? reviews.dueRevocations(reviewId, 1).size() : 0;
    ReviewLedger.RevocationBacklog backlog = reviews.revocationBacklog(reviewId);
    return new ReviewPass(revoked, failed, stillDue, backlog.pending(), backlog.nextAttemptAt(),
        reviews.counts(reviewId).pending());
  }

  /** True when the IdP confirms the person is out of every group of the item. */
  private boolean revokeItem(String reviewId, Item item) {
    String why = item.decision() != null
        ? "review " + reviewId + ": revoked by " + item.decidedBy() + (item.comment() == null ? "" : " (" + item.comment() + ")")
        : "review " + reviewId + ": not reviewed by the due date (unreviewed: revoke)";
    try {
      String detail = removals.remove(new AccessRemoval.Removal("review-" + reviewId + "-" + item.itemId(),
          item.login(), item.idpUserId(), item.groups(), item.requestId(),
          item.decidedBy() != null ? item.decidedBy() : "review " + reviewId, channel(item.decidedVia()), why,
          "the review opened"));
      reviews.revoked(reviewId, item.itemId(), detail);
      audit.warn("review {} item {}: {} {}/{}: {} ({})", reviewId, item.itemId(), item.login(), item.app(), item.role(),
          detail, why);
      return true;
    } catch (ApplicationFailure | IllegalStateException e) {
      String error = AccessRemoval.error(e);
      Instant retry = clock.instant().plus(RETRY_REVOCATION);
      reviews.revocationFailed(item.itemId(), error, retry);
      audit.warn("review {} item {}: revoking {} from {}/{} did not go through, retrying at {}: {}", reviewId,
          item.itemId(), item.login(), item.app(), item.role(), retry, error);
      return false;
    }
  }

  private static Channel channel(String via) {
    try {
      return via == null ? Channel.SYSTEM : Channel.valueOf(via);
    } catch (IllegalArgumentException e) {
      return Channel.SYSTEM;
    }
  }

  @Override
  public int report(String reviewId, long part, int limit) {
    Campaign c = campaign(reviewId);
    List<Item> fresh = reviews.unreported(reviewId, limit);
    if (fresh.isEmpty()) {
      return 0;
    }
    if (c.ticketKey() != null) {
      StringBuilder text = new StringBuilder("Decisions and revocations (" + fresh.size() + "):");
      for (Item i : fresh) {
        text.append("\n").append(line(i));
      }
      tickets.commentReview(c.ticketKey(), reviewId, part, text.toString());
    }
    reviews.markReported(fresh);
    return fresh.size();
  }

  /** One item's evidence in a line: who, what, the decision (who, channel, when, comment) and the revocation. */
  static String line(Item i) {
    String decided = i.decision() != null
        ? i.decision().toUpperCase(Locale.ROOT) + " by " + i.decidedBy() + " via " + i.decidedVia() + " at "
            + i.decidedAt().truncatedTo(ChronoUnit.SECONDS) + (i.comment() == null ? "" : ": \"" + i.comment() + "\"")
        : i.unreviewedOutcome() != null ? "not reviewed: " + i.unreviewedOutcome() + " by the unreviewed rule" : "pending";
    String revoked = "done".equals(i.revocationState())
        ? "; revoked at " + i.revokedAt().truncatedTo(ChronoUnit.SECONDS) + " (" + i.revocationDetail() + ")"
        : "pending".equals(i.revocationState()) ? "; revocation under way" : "";
    return "Item " + i.itemId() + " · " + i.login() + " · " + i.app() + "/" + i.role() + " (" + String.join(", ",
        i.groups()) + ") · recommended " + i.recommendation() + " (" + i.recommendationReason() + ") · " + decided
        + revoked;
  }

  @Override
  public int escalate(String reviewId, Instant newDueAt) {
    Campaign c = campaign(reviewId);
    int moved = reviews.escalate(reviewId, newDueAt);
    if (moved > 0) {
      audit.warn("review {}: {} items not reviewed by {}, escalated to {} until {}", reviewId, moved, c.dueAt(),
          c.escalateTo(), newDueAt);
      if (c.ticketKey() != null) {
        tickets.commentReview(c.ticketKey(), reviewId, -1, moved + " items were not reviewed by the due date ("
            + c.dueAt() + "); escalated to " + String.join(", ", c.escalateTo()) + ", due " + newDueAt + ".");
      }
    }
    return moved;
  }

  @Override
  public String closeUnreviewed(String reviewId, String rule) {
    String outcome = reviews.closeUnreviewed(reviewId, rule);
    audit.info("review {}: {}", reviewId, outcome);
    return outcome;
  }

  @Override
  public void close(String reviewId, long part) {
    Campaign c = campaign(reviewId);
    ReviewLedger.Counts n = reviews.counts(reviewId);
    reviews.closed(reviewId);
    String summary = "Review closed: " + n.items() + (n.items() == 1 ? " item; " : " items; ") + n.kept() + " kept and " + n.revoked()
        + " revoked by reviewers; " + (c.outcome() == null ? "" : c.outcome() + "; ") + n.revocationsDone()
        + " revocations confirmed by the IdP. Export: GET /v1/reviews/" + reviewId + "/export?format=csv";
    audit.info("review {}: {}", reviewId, summary);
    if (c.ticketKey() != null) {
      tickets.commentReview(c.ticketKey(), reviewId, part, summary);
    }
  }

  /** The reviewers of one item under the campaign's rule, and why when the rule could not be followed. */
  record Reviewers(List<String> logins, String note) {}

  Reviewers reviewers(Campaign c, Candidate item) {
    String member = item.login().toLowerCase(Locale.ROOT);
    List<String> owners = catalog.app(item.app()).map(CatalogApp::owners).orElse(List.of());
    List<String> chosen;
    String note = null;
    String rule = c.reviewerRule();
    if (rule.equals("owners")) {
      chosen = owners;
    } else if (rule.equals("manager")) {
      Optional<String> manager = manager(item.manager());
      chosen = manager.map(List::of).orElse(owners);
      if (manager.isEmpty()) {
        note = "no manager on record for " + item.login() + ": the app's owners review it";
      }
    } else if (rule.startsWith("group:")) {
      chosen = reviewerGroup(c.reviewId(), rule.substring("group:".length()));
    } else if (rule.startsWith("people:")) {
      chosen = List.of(rule.substring("people:".length()).split(","));
    } else {
      throw new IllegalStateException("review " + c.reviewId() + ": unknown reviewer rule " + rule);
    }
    LinkedHashSet<String> logins = new LinkedHashSet<>();
    chosen.forEach(l -> logins.add(l.strip().toLowerCase(Locale.ROOT)));
    if (logins.remove(member)) {
      note = "no-self-certification: " + item.login() + " is a reviewer under the rule but cannot review their own access";
    }
    if (logins.isEmpty()) {
      c.escalateTo().forEach(l -> logins.add(l.toLowerCase(Locale.ROOT)));
      logins.remove(member);
      note = (note == null ? "nobody under the rule " + rule : note) + "; the escalation reviewers review it";
    }
    if (logins.isEmpty()) {
      note = note + "; there are none besides the member, so the unreviewed rule decides it";
    }
    return new Reviewers(List.copyOf(logins), note);
  }

  /** The manager's login: the profile may hold a login (email) or an IdP user id. */
  private Optional<String> manager(String manager) {
    if (manager == null || manager.isBlank()) {
      return Optional.empty();
    }
    Optional<String> known = reviews.loginOf(manager); // an IdP user id the inventory has met
    return known.isPresent() ? known : manager.contains("@") ? Optional.of(manager) : Optional.empty();
  }

  /** The group's members, read once per campaign while its items open (each campaign sees the group as it is then). */
  private List<String> reviewerGroup(String reviewId, String groupId) {
    return reviewerGroups.computeIfAbsent(reviewId + "\n" + groupId, key -> {
      String id = groupId;
      if (directory == null) {
        throw new IllegalStateException("reviewers group:" + id + " needs a directory the inventory can list");
      }
      List<String> logins = new ArrayList<>();
      String cursor = null;
      do {
        GroupDirectory.Page page = directory.members(id, cursor, 200);
        page.members().forEach(m -> logins.add(m.login()));
        cursor = page.next();
      } while (cursor != null && logins.size() < REVIEWER_GROUP_MAX);
      return List.copyOf(logins);
    });
  }

  private Campaign campaign(String reviewId) {
    return reviews.campaign(reviewId).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "no review " + reviewId + " in the ledger", "UnknownReview"));
  }

  static String scope(Campaign c) {
    List<String> parts = new ArrayList<>(c.apps());
    parts.addAll(c.roles());
    return String.join(", ", parts);
  }

  private static String day(Instant at) {
    return at.truncatedTo(ChronoUnit.DAYS).toString().substring(0, 10);
  }

  private static String description(Campaign c) {
    return "accessflow access review " + c.reviewId() + ": " + c.name() + "\n"
        + "Scope: " + scope(c) + "\n"
        + "Reviewers: " + c.reviewerRule() + " (never the member themselves)\n"
        + "Due: " + c.dueAt() + "\n"
        + "Not reviewed by then: " + c.unreviewed() + (c.unreviewed().equals("escalate") ? " to "
            + String.join(", ", c.escalateTo()) : "") + "\n"
        + "Started by " + c.startedBy() + " (" + c.startedVia() + ") at " + c.startedAt() + "\n\n"
        + "Reviewers decide Keep or Revoke in Slack, or with POST /v1/reviews/" + c.reviewId()
        + "/items/{itemId}/decision. Every decision and every revocation is written here; the whole record is"
        + " GET /v1/reviews/" + c.reviewId() + "/export?format=csv.";
  }
}
