package dev.accessflow.worker;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.ledger.ReclaimLedger.Item;
import dev.accessflow.ledger.ReclaimRules;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.ledger.ReviewLedger.Candidate;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.ReclaimPass;
import dev.accessflow.workflows.model.ReclaimPolicy;
import dev.accessflow.workflows.ports.AppSignIns;
import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.IdentityProvider;
import dev.accessflow.workflows.ports.ReclaimMessages;
import dev.accessflow.workflows.ports.ReclaimMessages.ReclaimWarning;
import dev.accessflow.workflows.ports.ReclaimWork;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The auto-reclaim activities: the app's sign-in log read into the ledger, every membership of
 * the app judged by {@link ReclaimRules} (recorded with the signal used), the warned told, graces
 * settled by sign-ins, removals carried out through {@link AccessRemoval} until the IdP confirms
 * them, and the run's record written to its ticket.
 */
public final class ReclaimRuns implements ReclaimWork {
  private static final Logger audit = LoggerFactory.getLogger("accessflow.audit");
  /** A log read that ended this recently is current enough: a pass does not call the IdP again. */
  static final Duration LOG_FRESH = Duration.ofMinutes(1);
  /** A removal that did not go through is tried again after this. */
  static final Duration RETRY_REMOVAL = Duration.ofMinutes(1);
  /** Members of an exempt group read at most (an on-call group, not a department). */
  static final int EXEMPT_GROUP_MAX = 5_000;

  private final ReclaimLedger ledger;
  private final Catalog catalog;
  private final AppSignIns signIns;
  private final GroupDirectory directory;
  private final IdentityProvider people;
  private final ReclaimMessages chat;
  private final AccessTickets tickets;
  private final AccessRemoval removals;
  private final Clock clock;
  private final ReclaimRules rules = new ReclaimRules();
  /** runId + group -> lower-case member logins, read once per run */
  private final Map<String, Set<String>> exemptGroups = new ConcurrentHashMap<>();

  /**
   * @param signIns the IdP's sign-in log, or null when it keeps none (the IdP's last login is the signal)
   * @param directory lists the members of exempt groups, or null when nothing can list groups
   * @param people names a person's manager where the inventory has none (a membership the hook saw first)
   */
  public ReclaimRuns(ReclaimLedger ledger, Catalog catalog, AppSignIns signIns, GroupDirectory directory,
      IdentityProvider people, ReclaimMessages chat, AccessTickets tickets, AccessRemoval removals, Clock clock) {
    this.ledger = ledger;
    this.catalog = catalog;
    this.signIns = signIns;
    this.directory = directory;
    this.people = people;
    this.chat = chat;
    this.tickets = tickets;
    this.removals = removals;
    this.clock = clock;
  }

  @Override
  public boolean readUsage(String runId, int limit) {
    ReclaimLedger.Run run = run(runId);
    Optional<ReclaimPolicy> policy = policy(run.app());
    if (policy.isEmpty() || policy.get().idpApp() == null || signIns == null) {
      return false;
    }
    String idpApp = policy.get().idpApp();
    Instant now = clock.instant();
    ReclaimLedger.UsageRead read = ledger.usageRead(run.app()).orElse(null);
    if (read == null || !read.idpApp().equals(idpApp) || read.windowFrom() == null) {
      if (read != null && read.idpApp().equals(idpApp) && read.coveredUntil() != null
          && read.coveredUntil().isAfter(now.minus(LOG_FRESH))) {
        return false;
      }
      read = ledger.beginRead(run.app(), idpApp, now.minus(signIns.retention()), now);
    }
    AppSignIns.SignInPage page;
    try {
      page = signIns.signIns(idpApp, read.windowFrom(), read.windowUntil(), read.cursor(), limit);
    } catch (ApplicationFailure refused) {
      if (!refused.isNonRetryable()) {
        throw refused;
      }
      // A log the IdP will not show must not read as "nobody signed in": the run waits (retried,
      // visible in the Temporal UI) and removes nothing until it can read it or idpApp is taken out.
      throw ApplicationFailure.newFailure("reclaim " + runId + ": the sign-in log of " + run.app()
          + " cannot be read, so nothing is judged or removed until it can: " + refused.getOriginalMessage(),
          "UsageSignalUnreadable");
    }
    ledger.recordSignIns(run.app(), page.signIns().stream()
        .map(s -> new ReclaimLedger.SignIn(s.login(), s.idpUserId(), s.at())).toList(), page.next());
    return page.next() != null;
  }

  @Override
  public String openTicket(String runId) {
    ReclaimLedger.Run run = run(runId);
    if (run.ticketKey() != null) {
      return run.ticketKey();
    }
    Optional<ReclaimPolicy> policy = policy(run.app());
    String summary = "Access reclaim: " + appName(run.app()) + ", " + run.startedAt().truncatedTo(ChronoUnit.DAYS)
        .toString().substring(0, 10) + (policy.map(ReclaimPolicy::dryRun).orElse(false) ? " (dry-run)" : "");
    String key = tickets.openReclaimTicket(runId, summary, description(run, policy.orElse(null)));
    if (key != null) {
      ledger.ticketOpened(runId, key);
    }
    return key == null ? "" : key;
  }

  private String description(ReclaimLedger.Run run, ReclaimPolicy p) {
    if (p == null) {
      return "Reclaim run " + run.runId() + " of " + run.app() + ": the catalog no longer has a reclaim policy for it;"
          + " nothing is judged.";
    }
    return "Reclaim run " + run.runId() + " of " + appName(run.app()) + ", started by " + run.startedBy() + " ("
        + run.startedVia() + ").\nPolicy: access unused for " + ReclaimRules.span(p.inactiveAfter()) + " is "
        + (p.dryRun() ? "reported only (dry-run: nothing is changed)" : "warned, then removed after a grace of "
            + ReclaimRules.span(p.grace()) + " unless the person signs in to the app or keeps it with a reason"
            + ("owner".equals(p.keepConfirmedBy()) ? " that an owner confirms" : ""))
        + ".\nUsage signal: " + (p.idpApp() != null ? "sign-ins to the app in the IdP's log (app " + p.idpApp()
            + "), else the IdP's last login" : "the IdP's last login (the catalog names no IdP app)")
        + "; people with no sign-in data: " + p.noSignal() + ".\nAlso told: " + (p.tell().isEmpty()
            ? "nobody besides the person (the policy's notify: is empty)"
            : String.join(" and ", p.tell().stream().map(w -> w.equals(ReclaimPolicy.MANAGER)
                ? "each warned person's manager (who may keep it with a reason)"
                : "the app's owners (one summary of the run)").toList()))
        + ".\nEach finding, Keep, sign-in and removal is written here as it happens; GET /v1/reclaim?run="
        + run.runId() + " lists them.";
  }

  @Override
  public int scanPage(String runId, int limit) {
    ReclaimLedger.Run run = run(runId);
    Optional<ReclaimPolicy> found = policy(run.app());
    if (found.isEmpty()) {
      audit.warn("reclaim {}: the catalog has no reclaim policy for {} any more; nothing judged", runId, run.app());
      ledger.scanned(runId);
      return 0;
    }
    ReclaimPolicy scan = found.get();
    CatalogApp app = catalog.app(run.app()).orElseThrow();
    List<Candidate> page = ledger.candidates(run.app(), ledger.openCursor(runId), limit);
    if (page.isEmpty()) {
      ledger.scanned(runId);
      exemptGroups.keySet().removeIf(key -> key.startsWith(runId + "\n"));
      ReclaimLedger.Counts n = ledger.counts(runId);
      audit.info("reclaim {} of {} scanned: {} warned, {} would be reclaimed (dry-run), {} exempt, {} without a signal",
          runId, run.app(), n.warned(), n.wouldReclaim(), n.exempt(), n.noSignal());
      return 0;
    }
    Instant now = clock.instant();
    Map<String, Instant> appSignIns = scan.idpApp() == null ? Map.of()
        : ledger.lastSignIns(run.app(), page.stream().map(Candidate::login).toList());
    ReclaimRules.Coverage coverage = scan.idpApp() == null ? null : ledger.usageRead(run.app())
        .filter(r -> scan.idpApp().equals(r.idpApp())).map(ReclaimLedger.UsageRead::coverage).orElse(null);
    List<ReclaimLedger.NewItem> items = new ArrayList<>();
    for (Candidate c : page) {
      ReclaimPolicy policy = app.reclaimFor(c.role());
      if (policy == null) {
        continue; // a role the app's scan covers only because another role reclaims
      }
      // The log read is the scan's: a role judged by another IdP app's sign-ins falls back to the last login.
      boolean sameLog = scan.idpApp() != null && scan.idpApp().equals(policy.idpApp());
      ReclaimRules.Verdict verdict = rules.judge(c, sameLog ? appSignIns.get(c.login().toLowerCase(Locale.ROOT)) : null,
          sameLog ? coverage : null, policy, exempt(runId, policy, c.login()), now);
      if (verdict instanceof ReclaimRules.Finding finding) {
        items.add(new ReclaimLedger.NewItem(c, policy, finding));
      }
    }
    ledger.addItems(runId, items, ReviewLedger.cursorAfter(page.get(page.size() - 1)));
    return page.size();
  }

  private boolean exempt(String runId, ReclaimPolicy policy, String login) {
    String who = login.toLowerCase(Locale.ROOT);
    if (policy.exemptPeople().contains(who)) {
      return true;
    }
    for (String group : policy.exemptGroups()) {
      if (exemptGroup(runId, group).contains(who)) {
        return true;
      }
    }
    return false;
  }

  /** The group's members, read once per run (a run sees the group as it is when the run scans). */
  private Set<String> exemptGroup(String runId, String groupId) {
    return exemptGroups.computeIfAbsent(runId + "\n" + groupId, key -> {
      if (directory == null) {
        throw ApplicationFailure.newNonRetryableFailure("reclaim exempt group:" + groupId
            + " needs a directory that can list groups", "ExemptGroupUnreadable");
      }
      Set<String> logins = new HashSet<>();
      String cursor = null;
      do {
        GroupDirectory.Page page = directory.members(groupId, cursor, 200);
        page.members().forEach(m -> logins.add(m.login().toLowerCase(Locale.ROOT)));
        cursor = page.next();
      } while (cursor != null && logins.size() < EXEMPT_GROUP_MAX);
      return Set.copyOf(logins);
    });
  }

  @Override
  public int warn(String runId, int limit) {
    int told = 0;
    for (Item i : ledger.untold(runId, limit)) {
      ChatMessageRef posted = chat.warn(warning(i));
      if (posted != null) {
        ledger.messagePosted(i.itemId(), posted.channelId(), posted.ts());
      } else {
        ledger.told(i.itemId());
      }
      audit.warn("reclaim {} item {}: {} warned: {}/{} is removed at {} unless used or kept ({})", runId, i.itemId(),
          i.login(), i.app(), i.role(), i.graceEndsAt(), i.finding());
      told++;
    }
    // Managers after their people, each seen to once (told, or recorded why not), so a retry tells nobody twice.
    for (Item i : told < limit ? ledger.untoldManagers(runId, limit - told) : List.<Item>of()) {
      tellManager(i);
      told++;
    }
    if (told > 0) {
      return told;
    }
    // Every finding is told: the owners get the run's summary (one message each, never one per finding).
    ReclaimLedger.Run run = run(runId);
    return ReclaimLedger.SCANNING.equals(run.state()) ? 0 : tellOwners(run);
  }

  private void tellManager(Item i) {
    ReclaimPolicy policy = catalog.app(i.app()).map(a -> a.reclaimFor(i.role())).orElse(null);
    if (policy == null || !policy.notifies(ReclaimPolicy.MANAGER)) {
      ledger.managerTold(i.itemId(), null, "not told: the policy does not tell managers", null, null);
      return;
    }
    String known = managerOf(i);
    String manager = known != null ? known : managerInIdp(i.login());
    if (manager == null) {
      ledger.managerTold(i.itemId(), null, "not told: the IdP names no manager for " + i.login(), null, null);
    } else if (manager.equals(i.login().toLowerCase(Locale.ROOT))) {
      ledger.managerTold(i.itemId(), manager, "not told: " + i.login() + " is their own manager in the IdP", null,
          null);
    } else if (chat == ReclaimMessages.NONE) {
      ledger.managerTold(i.itemId(), manager, "not told: no chat is configured (the warning is on the run's ticket)",
          null, null);
    } else {
      ChatMessageRef posted = chat.warnManager(warning(i), manager);
      ledger.managerTold(i.itemId(), manager, posted != null ? "told " + manager + " in chat"
          : "not told: " + manager + " has no chat account (the warning is on the run's ticket)",
          posted == null ? null : posted.channelId(), posted == null ? null : posted.ts());
      audit.info("reclaim {} item {}: manager {} of {} {}", i.runId(), i.itemId(), manager, i.login(),
          posted != null ? "told" : "has no chat account");
    }
  }

  /**
   * The manager the IdP names for a person the inventory has no profile for yet (a membership an
   * event hook recorded before the next sync), or null. An IdP outage throws: the activity retries.
   */
  private String managerInIdp(String login) {
    if (people == null) {
      return null;
    }
    try {
      String manager = people.resolveUser(login).manager();
      return manager == null || manager.isBlank() ? null : manager.strip().toLowerCase(Locale.ROOT);
    } catch (ApplicationFailure unknown) {
      if (!unknown.isNonRetryable()) {
        throw unknown;
      }
      return null; // the IdP no longer knows them: nobody to tell
    }
  }

  /** The manager's login as the inventory has it, lower case; null when it names none. */
  private static String managerOf(Item i) {
    return i.manager() == null ? null : i.manager().strip().toLowerCase(Locale.ROOT);
  }

  /** Owners shown at most this many findings and Keeps to confirm in the summary (the rest: GET /v1/reclaim). */
  static final int SUMMARY_LINES = 12;
  static final int SUMMARY_KEEPS = 5;

  /**
   * Brings each owner's summary of the run up to date (posted once, then edited in place; a Keep
   * waiting for an owner is also said under it, so they are notified); how many were changed.
   */
  private int tellOwners(ReclaimLedger.Run run) {
    CatalogApp app = catalog.app(run.app()).orElse(null);
    if (app == null || app.owners().isEmpty() || !tellsOwners(app)) {
      return 0;
    }
    ReclaimLedger.Counts n = ledger.counts(run.runId());
    if (n.items() == 0) {
      return 0; // a scan that found nothing is not worth a message (it is on the ticket)
    }
    ReclaimMessages.ReclaimSummary summary = summary(run, app, n);
    String shown = fingerprint(summary);
    Map<String, ReclaimLedger.OwnerNotice> notices = new java.util.HashMap<>();
    ledger.ownerNotices(run.runId()).forEach(o -> notices.put(o.owner(), o));
    int changed = 0;
    for (String owner : app.owners()) {
      String who = owner.toLowerCase(Locale.ROOT);
      ReclaimLedger.OwnerNotice before = notices.get(who);
      if (before != null && before.shown().equals(shown)) {
        continue;
      }
      List<ReclaimMessages.KeepAsked> fresh = summary.awaitingOwner().stream()
          .filter(k -> before == null || !awaited(before.shown()).contains(k.itemId()))
          .filter(k -> !k.askedBy().equals(who)).toList();
      ChatMessageRef message = before == null || before.ts() == null ? null
          : new ChatMessageRef(who, before.channel(), before.ts());
      ChatMessageRef now = chat.summarize(who, summary, message, before == null ? List.of() : fresh);
      ledger.ownerShown(run.runId(), who, now == null ? null : now.channelId(), now == null ? null : now.ts(), shown);
      changed++;
    }
    return changed;
  }

  private static boolean tellsOwners(CatalogApp app) {
    return app.roles().keySet().stream().map(app::reclaimFor)
        .anyMatch(p -> p != null && p.notifies(ReclaimPolicy.OWNERS));
  }

  private ReclaimMessages.ReclaimSummary summary(ReclaimLedger.Run run, CatalogApp app, ReclaimLedger.Counts n) {
    List<Item> first = ledger.items(new ReclaimLedger.ItemFilter(null, null, run.runId(), null), 0, SUMMARY_LINES);
    List<ReclaimMessages.KeepAsked> asked = ledger.items(new ReclaimLedger.ItemFilter(ReclaimRules.KEEP_REQUESTED,
            null, run.runId(), null), 0, SUMMARY_KEEPS).stream()
        .map(i -> new ReclaimMessages.KeepAsked(i.itemId(), i.login(), i.role(), i.decidedBy(), i.reason(),
            i.graceEndsAt())).toList();
    boolean dryRun = first.stream().allMatch(i -> ReclaimPolicy.DRY_RUN.equals(i.mode()));
    return new ReclaimMessages.ReclaimSummary(run.runId(), run.app(), app.name(), dryRun, run.ticketKey(),
        ReclaimLedger.CLOSED.equals(run.state()), n.items(), n.warned(), n.keepRequested(), n.removing(), n.removed(),
        n.kept(), n.wouldReclaim(), n.exempt(), n.noSignal(), ledger.backlog(run.runId()).nextGraceEnd(),
        first.stream().map(i -> i.login() + " · " + i.role() + " · " + i.finding() + " · " + i.state()).toList(), asked);
  }

  /** What a summary says, in a line: when it changes, the owners' messages are edited. */
  static String fingerprint(ReclaimMessages.ReclaimSummary s) {
    return (s.closed() ? "closed" : "open") + " " + s.findings() + "/" + s.warned() + "/" + s.keepRequested() + "/"
        + s.removing() + "/" + s.removed() + "/" + s.kept() + "/" + s.wouldReclaim() + "/" + s.exempt() + "/"
        + s.noSignal() + " awaiting:" + String.join(",", s.awaitingOwner().stream()
            .map(k -> Long.toString(k.itemId())).toList());
  }

  private static Set<Long> awaited(String fingerprint) {
    String ids = fingerprint.substring(fingerprint.indexOf("awaiting:") + "awaiting:".length());
    Set<Long> known = new HashSet<>();
    for (String id : ids.split(",")) {
      if (!id.isBlank()) {
        known.add(Long.parseLong(id));
      }
    }
    return known;
  }

  private ReclaimWarning warning(Item i) {
    ReclaimPolicy policy = catalog.app(i.app()).map(a -> a.reclaimFor(i.role())).orElse(null);
    List<String> owners = catalog.app(i.app()).map(CatalogApp::owners).orElse(List.of());
    return new ReclaimWarning(i.itemId(), i.runId(), i.login(), i.displayName(), i.app(), appName(i.app()), i.role(),
        i.groups(), i.finding(), i.graceEndsAt(), policy == null ? "member" : policy.keepConfirmedBy(), owners);
  }

  @Override
  public ReclaimPass pass(String runId, int limit) {
    ReclaimLedger.Run run = run(runId);
    int kept = 0;
    for (String role : ledger.openRoles(runId)) {
      ReclaimPolicy policy = catalog.app(run.app()).map(a -> a.reclaimFor(role)).orElse(null);
      if (policy == null || policy.dryRun()) {
        // The owner switched to dry-run (or took reclaim out) while graces ran: nothing is removed.
        List<Item> released = ledger.policyWithdrawn(runId, role, policy == null
            ? "the catalog no longer has a reclaim policy for " + run.app() + "/" + role
            : "the app's reclaim policy was switched to dry-run during the grace");
        kept += released.size();
        audit.warn("reclaim {}: {} open items of {}/{} kept: its policy no longer removes anything", runId,
            released.size(), run.app(), role);
      }
    }
    kept += ledger.settleSignIns(runId).size();
    ledger.graceEnded(runId);
    List<Item> due = ledger.dueRemovals(runId, limit);
    int removed = 0;
    int failed = 0;
    for (Item item : due) {
      if (remove(item)) {
        removed++;
      } else {
        failed++;
      }
    }
    int stillDue = due.size() == limit ? ledger.dueRemovals(runId, 1).size() : 0;
    ReclaimLedger.Backlog backlog = ledger.backlog(runId);
    return new ReclaimPass(kept, removed, failed, stillDue, backlog.inGrace(), backlog.nextGraceEnd(),
        backlog.removing(), backlog.nextAttemptAt());
  }

  /** True when the IdP confirms the person is out of every group of the item. */
  private boolean remove(Item item) {
    String why = "reclaim " + item.runId() + ": unused (" + item.finding() + "); " + item.detail();
    try {
      String detail = removals.remove(new AccessRemoval.Removal(ReclaimLedger.trail(item.runId(), item.itemId()),
          item.login(), item.idpUserId(), item.groups(), item.requestId(), "reclaim " + item.runId(), Channel.SYSTEM,
          why, "the scan found it unused"));
      ledger.removed(item.itemId(), detail);
      audit.warn("reclaim {} item {}: {} {}/{}: {} ({})", item.runId(), item.itemId(), item.login(), item.app(),
          item.role(), detail, why);
      return true;
    } catch (ApplicationFailure | IllegalStateException e) {
      String error = AccessRemoval.error(e);
      Instant retry = clock.instant().plus(RETRY_REMOVAL);
      ledger.removalFailed(item.itemId(), error, retry);
      audit.warn("reclaim {} item {}: removing {} from {}/{} did not go through, retrying at {}: {}", item.runId(),
          item.itemId(), item.login(), item.app(), item.role(), retry, error);
      return false;
    }
  }

  @Override
  public int report(String runId, long part, int limit) {
    ReclaimLedger.Run run = run(runId);
    // Each warning is edited in place to say what became of the access.
    for (Item i : ledger.staleMessages(runId, limit)) {
      if (!ReclaimRules.WARNED.equals(i.state())) {
        if (i.messageTs() != null && !i.state().equals(i.messageState())) {
          chat.settle(new ChatMessageRef(i.login(), i.messageChannel(), i.messageTs()), warning(i), outcome(i));
        }
        if (i.managerTs() != null && !i.state().equals(i.managerState())) {
          chat.settleManager(new ChatMessageRef(managerOf(i), i.managerChannel(), i.managerTs()), warning(i),
              managerOutcome(i));
        }
      }
      ledger.messageShown(i.itemId(), i.state());
    }
    if (!ReclaimLedger.SCANNING.equals(run.state())) {
      tellOwners(run);
    }
    List<Item> fresh = ledger.unreported(runId, limit);
    if (fresh.isEmpty()) {
      return 0;
    }
    if (run.ticketKey() != null) {
      StringBuilder text = new StringBuilder("Findings, Keeps, sign-ins and removals (" + fresh.size() + "):");
      fresh.forEach(i -> text.append("\n").append(line(i)));
      tickets.commentReclaim(run.ticketKey(), runId, part, text.toString());
    }
    ledger.markReported(fresh);
    return fresh.size();
  }

  /** What became of the access, in words for the person. */
  static String outcome(Item i) {
    return switch (i.state()) {
      case ReclaimRules.KEPT -> "SIGN_IN".equals(i.decidedVia()) ? "kept: you " + i.reason() + "."
          : "POLICY".equals(i.decidedVia()) ? "kept: " + i.reason() + "."
          : "kept by " + i.decidedBy() + ": \"" + i.reason() + "\".";
      case ReclaimRules.KEEP_REQUESTED -> (i.login().equals(i.decidedBy()) ? "your Keep is recorded"
          : i.decidedBy() + " asked to keep it") + " (\"" + i.reason() + "\"); an owner of the app"
          + " confirms it before " + at(i.graceEndsAt()) + ", or the access is removed then.";
      case ReclaimRules.REMOVING -> "the grace has ended (" + i.detail() + "); the access is being removed.";
      case ReclaimRules.REMOVED -> "removed at " + at(i.removedAt()) + ". Ask for it again through accessflow if you"
          + " need it.";
      default -> i.state() + ".";
    };
  }

  /** What became of the access, in words for the person's manager. */
  static String managerOutcome(Item i) {
    String who = i.displayName() == null || i.displayName().isBlank() ? i.login() : i.displayName();
    return switch (i.state()) {
      case ReclaimRules.KEPT -> "SIGN_IN".equals(i.decidedVia()) ? "kept: " + who + " " + i.reason() + "."
          : "POLICY".equals(i.decidedVia()) ? "kept: " + i.reason() + "."
          : "kept by " + i.decidedBy() + ": \"" + i.reason() + "\".";
      case ReclaimRules.KEEP_REQUESTED -> "a Keep is asked for by " + i.decidedBy() + " (\"" + i.reason()
          + "\"); an owner of the app confirms it before " + at(i.graceEndsAt()) + ", or the access is removed then.";
      case ReclaimRules.REMOVING -> "the grace has ended (" + i.detail() + "); the access is being removed.";
      case ReclaimRules.REMOVED -> "removed at " + at(i.removedAt()) + ".";
      default -> i.state() + ".";
    };
  }

  /** One item's evidence in a line: who, what, the signal, and what became of it (who, how, when, why). */
  static String line(Item i) {
    String outcome = switch (i.state()) {
      case ReclaimRules.WARNED -> "WARNED: removed at " + at(i.graceEndsAt()) + " unless used or kept";
      case ReclaimRules.KEEP_REQUESTED -> "KEEP ASKED by " + i.decidedBy() + " via " + i.decidedVia() + ": \""
          + i.reason() + "\"; an owner confirms it by " + at(i.graceEndsAt());
      case ReclaimRules.KEPT -> "KEPT by " + i.decidedBy() + " via " + i.decidedVia() + " at " + at(i.decidedAt())
          + ": " + ("SIGN_IN".equals(i.decidedVia()) ? i.reason() : "\"" + i.reason() + "\"");
      case ReclaimRules.REMOVING -> "REMOVING (" + i.detail() + ")" + (i.error() == null ? ""
          : "; attempt " + i.attempts() + " failed: " + i.error() + "; next at " + at(i.nextAttemptAt()));
      case ReclaimRules.REMOVED -> "REMOVED at " + at(i.removedAt()) + " (" + i.detail() + ")";
      case ReclaimRules.WOULD_RECLAIM -> "WOULD BE RECLAIMED (dry-run: nothing changed)";
      case ReclaimRules.EXEMPT -> "EXEMPT (kept)";
      case ReclaimRules.NO_SIGNAL_KEPT -> "NO SIGNAL (kept)";
      default -> i.state().toUpperCase(Locale.ROOT);
    };
    String manager = ReclaimRules.WARNED.equals(i.state()) && i.managerNotice() != null
        && !i.managerNotice().contains("the policy does not tell managers") ? " · manager " + i.managerNotice() : "";
    return "Item " + i.itemId() + " · " + i.login() + " · " + i.app() + "/" + i.role() + " (" + String.join(", ",
        i.groups()) + ") · " + i.finding() + " [signal: " + i.signal() + "] · " + outcome + manager;
  }

  @Override
  public void close(String runId, long part) {
    ReclaimLedger.Run run = run(runId);
    ReclaimLedger.Counts n = ledger.counts(runId);
    ledger.closed(runId);
    String summary = "Reclaim closed: " + n.items() + (n.items() == 1 ? " finding; " : " findings; ") + n.removed()
        + " removed (confirmed by the IdP), " + n.kept() + " kept (a sign-in or a Keep), " + n.wouldReclaim()
        + " would be reclaimed (dry-run), " + n.exempt() + " exempt, " + n.noSignal() + " without a signal (kept)."
        + " List: GET /v1/reclaim?run=" + runId;
    audit.info("reclaim {} of {}: {}", runId, run.app(), summary);
    tellOwners(run(runId));
    if (run.ticketKey() != null) {
      tickets.commentReclaim(run.ticketKey(), runId, part, summary);
    }
  }

  private ReclaimLedger.Run run(String runId) {
    return ledger.run(runId).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
        "no reclaim run " + runId + " in the ledger", "UnknownReclaimRun"));
  }

  /** The policy the app's scan runs by (its log, its cadence). */
  private Optional<ReclaimPolicy> policy(String app) {
    return catalog.app(app).flatMap(CatalogApp::reclaimScan);
  }

  private String appName(String app) {
    return catalog.app(app).map(CatalogApp::name).orElse(app);
  }

  private static String at(Instant at) {
    return at == null ? "?" : at.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
