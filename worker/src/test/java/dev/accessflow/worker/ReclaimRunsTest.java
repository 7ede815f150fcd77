package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.accessflow.activities.sandbox.SandboxDirectory;
import dev.accessflow.activities.sandbox.SandboxDirectory.SandboxUser;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.ledger.ReclaimRules;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.DirectoryMember;
import dev.accessflow.workflows.model.InventoryGroup;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.ReclaimPass;
import dev.accessflow.workflows.ports.ReclaimMessages;
import dev.accessflow.workflows.testing.MovableClock;
import dev.accessflow.workflows.testing.RecordingTickets;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reclaim activities over a real (embedded) ledger and the sandbox IdP's sign-in log: who is
 * found and by which signal, exempt people and groups, a sign-in and a Keep ending a grace, a
 * removal through an IdP outage, dry-run changing nothing, and the record written to the ticket once.
 */
class ReclaimRunsTest {
  private static final InventoryGroup ADMINS = new InventoryGroup("grafana-admins", "grafana", "admin", "report", 0);
  private static final Instant T0 = Instant.parse("2026-08-01T09:00:00Z");
  private static final Instant SCAN = Instant.parse("2026-12-01T09:00:00Z");
  @RegisterExtension
  static final EmbeddedLedger database = new EmbeddedLedger();
  private final MovableClock clock = new MovableClock(T0);
  private final RecordingTickets tickets = new RecordingTickets();
  private final List<Membership> removals = new CopyOnWriteArrayList<>();
  private final RecordingReclaimChat chat = new RecordingReclaimChat();
  private final List<ReclaimMessages.ReclaimWarning> warnings = chat.warnings;
  private final List<String> settled = chat.settled;
  private final List<String> told = chat.told;
  private final AtomicInteger idpFailures = new AtomicInteger();
  private final SandboxDirectory sandbox = new SandboxDirectory(List.of(
      new SandboxUser("ada@example.com", "Ada", null, "eng"), new SandboxUser("ben@example.com", "Ben", "omar@example.com", "eng"),
      new SandboxUser("cy@example.com", "Cy", null, "eng"), new SandboxUser("dee@example.com", "Dee", null, "eng"),
      new SandboxUser("mo@example.com", "Mo", null, "eng"), new SandboxUser("omar@example.com", "Omar", null, "eng"),
      new SandboxUser("sam@example.com", "Sam", null, "sec"), new SandboxUser("ops@example.com", "Ops", null, "sre")),
      List.of("grafana-admins", "oncall"));
  private ReclaimLedger ledger;
  private InventoryLedger inventory;

  @BeforeEach
  void empty() {
    database.jdbi().useHandle(h -> h.execute("TRUNCATE reclaim_items, reclaim_runs, app_sign_ins, app_usage_reads,"
        + " memberships, inventory_groups, drift_findings, grants, decisions, requests CASCADE"));
    ledger = new ReclaimLedger(database.jdbi(), clock);
    inventory = new InventoryLedger(database.jdbi(), clock);
    sandbox.changeOutOfBand("oncall", "ops@example.com", true);
  }

  /** The example catalog with a reclaim policy on Grafana. */
  static Catalog catalog(String reclaim) throws Exception {
    String yaml = Files.readString(Path.of("../config/catalog.yml"));
    String anchor = "    owners: [omar@example.com]\n    roles:\n      viewer:";
    assertThat(yaml).contains(anchor);
    return CatalogFile.parse(Path.of("catalog.yml"), yaml.replace(anchor,
        "    owners: [omar@example.com]\n    reclaim: " + reclaim + "\n    roles:\n      viewer:"));
  }

  private ReclaimRuns runs(Catalog catalog) {
    AccessRemoval removal = new AccessRemoval(inventory, InventoryLedger.LeaseLookup.NONE,
        (request, revocation) -> { }, m -> {
          if (idpFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw ApplicationFailure.newFailure("Okta failed: HTTP 503", AccessflowTemporal.IDP_UNAVAILABLE);
          }
          removals.add(m);
          return null;
        }, sandbox);
    return new ReclaimRuns(ledger, catalog, sandbox, sandbox, sandbox, chat, tickets, removal, clock);
  }

  private static DirectoryMember member(String login, Instant lastLogin) {
    return new DirectoryMember("sandbox-" + login, login, login, "ACTIVE", lastLogin, "eng", null, null);
  }

  /** Everyone has been in the group since T0; the scan is four months later. */
  private void inventory(DirectoryMember... members) {
    inventory.recordPage("s1", ADMINS, List.of(members), T0, InventoryLedger.LeaseLookup.NONE);
    inventory.finishGroup("s1", ADMINS);
    clock.set(SCAN);
  }

  private String startRun(ReclaimRuns runs, String runId) {
    ledger.createRun(new ReclaimLedger.Run(runId, "grafana", "omar@example.com", "rest", clock.instant(), null, null,
        null));
    while (runs.readUsage(runId, 2)) {
      // every page of the log
    }
    runs.openTicket(runId);
    while (runs.scanPage(runId, 2) > 0) {
      while (runs.warn(runId, 10) > 0) {
        // every warned person told
      }
    }
    while (runs.warn(runId, 10) > 0) {
      // and, the scan done, whom else the policy tells
    }
    return runId;
  }

  private ReclaimLedger.Item item(String runId, String login) {
    return ledger.items(new ReclaimLedger.ItemFilter(null, null, runId, login), 0, 10).stream().findFirst()
        .orElseThrow(() -> new AssertionError("no item for " + login));
  }

  @Test
  void unusedAccessIsWarnedThenRemovedAtTheGracesEndUnlessUsedOrKeptAndTheTicketSaysWhatBecameOfEach()
      throws Exception {
    ReclaimRuns runs = runs(catalog("{inactiveAfter: P90D, grace: P7D, mode: enforce, idpApp: 0oaGRAFANA,"
        + " exempt: [sam@example.com, 'group:oncall']}"));
    inventory(member("ada@example.com", SCAN.minus(Duration.ofDays(2))), member("ben@example.com", null),
        member("cy@example.com", null), member("dee@example.com", null), member("sam@example.com", null),
        member("ops@example.com", null));
    // Ada signed in to the IdP two days ago, but never to Grafana: the app's own log is the better signal.
    sandbox.signIn("ben@example.com", "0oaGRAFANA", SCAN.minus(Duration.ofDays(10)));
    sandbox.signIn("cy@example.com", "0oaGRAFANA", SCAN.minus(Duration.ofDays(120))); // before the log's 90 days
    sandbox.signIn("dee@example.com", "0oaOTHER", SCAN.minus(Duration.ofDays(1)));

    String runId = startRun(runs, "grafana-20261201T0900");

    assertThat(ledger.items(new ReclaimLedger.ItemFilter(null, null, runId, null), 0, 10))
        .extracting(ReclaimLedger.Item::login, ReclaimLedger.Item::state, ReclaimLedger.Item::signal)
        .containsExactly(
            tuple("ada@example.com", ReclaimRules.WARNED, ReclaimRules.APP_SIGN_IN),
            tuple("cy@example.com", ReclaimRules.WARNED, ReclaimRules.APP_SIGN_IN),
            tuple("dee@example.com", ReclaimRules.WARNED, ReclaimRules.APP_SIGN_IN),
            tuple("ops@example.com", ReclaimRules.EXEMPT, ReclaimRules.APP_SIGN_IN),
            tuple("sam@example.com", ReclaimRules.EXEMPT, ReclaimRules.APP_SIGN_IN));
    assertThat(item(runId, "ada@example.com").finding()).contains("no sign-in to the app since 2026-09-02");
    assertThat(warnings).extracting(ReclaimMessages.ReclaimWarning::login)
        .containsExactly("ada@example.com", "cy@example.com", "dee@example.com");
    assertThat(warnings.get(0).graceEndsAt()).isEqualTo(SCAN.plus(Duration.ofDays(7)));
    assertThat(warnings.get(0).owners()).containsExactly("omar@example.com");
    assertThat(ledger.usageRead("grafana").orElseThrow().pages()).isEqualTo(1); // ben alone in the 90 days

    ReclaimPass first = runs.pass(runId, 25);
    assertThat(first).isEqualTo(new ReclaimPass(0, 0, 0, 0, 3, SCAN.plus(Duration.ofDays(7)), 0, null));

    // Day 3: Cy signs in to Grafana; the next read of the log ends Cy's grace, access kept, nobody clicked.
    clock.advance(Duration.ofDays(3));
    sandbox.signIn("cy@example.com", "0oaGRAFANA", clock.instant());
    // Day 4: Dee keeps it, with a reason.
    clock.advance(Duration.ofDays(1));
    ledger.keep(item(runId, "dee@example.com").itemId(), "dee@example.com", "REST", "quarterly close dashboards",
        List.of("omar@example.com"), "member", false);
    while (runs.readUsage(runId, 2)) {
      // the log since the last read
    }
    assertThat(runs.pass(runId, 25).kept()).isEqualTo(1);
    assertThat(item(runId, "cy@example.com").state()).isEqualTo(ReclaimRules.KEPT);
    assertThat(item(runId, "cy@example.com").decidedVia()).isEqualTo("SIGN_IN");

    // The grace ends during an Okta outage: the removal is tried, recorded as failed, and tried again.
    clock.set(SCAN.plus(Duration.ofDays(7)));
    idpFailures.set(1);
    ReclaimPass atEnd = runs.pass(runId, 25);
    assertThat(atEnd.failed()).isEqualTo(1);
    assertThat(atEnd.removing()).isEqualTo(1);
    assertThat(atEnd.nextAttemptAt()).isEqualTo(clock.instant().plus(ReclaimRuns.RETRY_REMOVAL));
    assertThat(removals).isEmpty();
    assertThat(runs.pass(runId, 25).failed()).isZero(); // not due yet: the IdP is not hammered
    clock.advance(ReclaimRuns.RETRY_REMOVAL);
    ReclaimPass retried = runs.pass(runId, 25);
    assertThat(retried.removed()).isEqualTo(1);
    assertThat(retried.settled()).isTrue();
    assertThat(removals).extracting(Membership::login, Membership::groupId)
        .containsExactly(tuple("ada@example.com", "grafana-admins"));
    assertThat(item(runId, "ada@example.com").detail()).contains("no sign-in and no Keep during the grace")
        .contains("removed from grafana-admins through the IdP");
    assertThat(item(runId, "ada@example.com").attempts()).isEqualTo(2);

    long part = 0;
    while (runs.report(runId, ++part, 50) > 0) {
      // the whole record
    }
    runs.close(runId, part);
    assertThat(runs.report(runId, part + 1, 50)).isZero(); // each state written once
    // Each warning was edited in place, once, to say what became of the access.
    assertThat(settled).containsExactlyInAnyOrder(
        "D-ada@example.com ts-" + item(runId, "ada@example.com").itemId()
            + ": removed at 2026-12-08T09:01:00Z. Ask for it again through accessflow if you need it.",
        "D-cy@example.com ts-" + item(runId, "cy@example.com").itemId() + ": kept: you signed in "
            + item(runId, "cy@example.com").reason().substring("signed in ".length()) + ".",
        "D-dee@example.com ts-" + item(runId, "dee@example.com").itemId()
            + ": kept by dee@example.com: \"quarterly close dashboards\".");
    List<String> ticket = tickets.reclaimTicket(runId);
    assertThat(ticket.get(0)).contains("Access reclaim: Grafana, 2026-12-01").contains("0oaGRAFANA");
    String record = String.join("\n", ticket);
    assertThat(record).contains("ada@example.com · grafana/admin (grafana-admins)")
        .contains("REMOVED at 2026-12-08T09:01:00Z")
        .contains("KEPT by cy@example.com via SIGN_IN").contains("to the app")
        .contains("KEPT by dee@example.com via REST").contains("\"quarterly close dashboards\"")
        .contains("EXEMPT (kept)")
        .contains("Reclaim closed: 5 findings; 1 removed (confirmed by the IdP), 2 kept");
    assertThat(ledger.run(runId).orElseThrow().state()).isEqualTo(ReclaimLedger.CLOSED);
    assertThat(inventory.activeGrant("grafana-admins", "ada@example.com", "sandbox-ada@example.com")).isEmpty();
  }

  private static DirectoryMember managed(String login, String manager) {
    return new DirectoryMember("sandbox-" + login, login, login, "ACTIVE", SCAN.minus(Duration.ofDays(100)), "eng", null,
        manager);
  }

  /** Keeps as REST and Slack make them, by the catalog's rules. */
  private dev.accessflow.api.ReclaimKeeps keeps(Catalog catalog) {
    return new dev.accessflow.api.ReclaimKeeps(catalog, ledger, new dev.accessflow.api.ReclaimWorkflows() {
      @Override
      public boolean start(ReclaimLedger.Run run) {
        return false;
      }

      @Override
      public void nudge(String runId) {}
    });
  }

  private void reportAll(ReclaimRuns runs, String runId) {
    long part = 0;
    while (runs.report(runId, ++part, 50) > 0) {
      // the whole record
    }
  }

  @Test
  void theManagerIsToldOfEachWarningOnceMayKeepItAndTheOwnersGetOneSummaryEditedInPlaceAsTheRunGoes()
      throws Exception {
    Catalog catalog = catalog("{inactiveAfter: P90D, grace: P7D, mode: enforce, keepConfirmedBy: owner,"
        + " notify: [manager, owners]}");
    ReclaimRuns runs = runs(catalog);
    inventory(managed("ada@example.com", "Mo@Example.com"), managed("ben@example.com", null),
        managed("cy@example.com", "cy@example.com"), member("dee@example.com", SCAN.minus(Duration.ofDays(2))));

    String runId = startRun(runs, "grafana-notify");

    assertThat(warnings).extracting(ReclaimMessages.ReclaimWarning::login)
        .containsExactly("ada@example.com", "ben@example.com", "cy@example.com");
    assertThat(told).containsExactly("manager mo@example.com: warned of ada@example.com",
        "manager omar@example.com: warned of ben@example.com", // the IdP names him where the inventory did not
        "owner omar@example.com posted: 3 found, 3 warned, 0 asked, 0 kept, 0 removed, 0 would");
    assertThat(runs.warn(runId, 10)).as("a retried warn tells nobody again").isZero();
    assertThat(told).hasSize(3);
    assertThat(item(runId, "ada@example.com").managerNotice()).isEqualTo("told mo@example.com in chat");
    assertThat(item(runId, "ben@example.com").manager()).isEqualTo("omar@example.com");
    assertThat(item(runId, "cy@example.com").managerNotice()).contains("is their own manager");

    // Ada's manager keeps it with a reason; under owner confirmation that is a request an owner confirms.
    clock.advance(Duration.ofDays(1));
    long ada = item(runId, "ada@example.com").itemId();
    assertThat(keeps(catalog).keep(ada, "mo@example.com", "she runs the Q4 audit", dev.accessflow.workflows.model
        .Channel.SLACK).state()).isEqualTo(ReclaimRules.KEEP_REQUESTED);
    assertThat(runs.pass(runId, 25).kept()).isZero();
    reportAll(runs, runId);
    assertThat(settled).containsExactly("D-ada@example.com ts-" + ada + ": mo@example.com asked to keep it"
        + " (\"she runs the Q4 audit\"); an owner of the app confirms it before 2026-12-08T09:00:00Z, or the access"
        + " is removed then.");
    assertThat(told.subList(3, told.size())).containsExactly("manager mo@example.com m-" + ada + ": a Keep is asked"
            + " for by mo@example.com (\"she runs the Q4 audit\"); an owner of the app confirms it before"
            + " 2026-12-08T09:00:00Z, or the access is removed then.",
        "owner omar@example.com edited o-1: 3 found, 2 warned, 1 asked, 0 kept, 0 removed, 0 would;"
            + " news: mo@example.com asks for ada@example.com");

    // The owner confirms; at the grace's end the others go; the summary follows, in the same message.
    keeps(catalog).keep(ada, "omar@example.com", "confirmed", dev.accessflow.workflows.model.Channel.SLACK);
    reportAll(runs, runId);
    clock.set(SCAN.plus(Duration.ofDays(7)));
    assertThat(runs.pass(runId, 25).removed()).isEqualTo(2);
    reportAll(runs, runId);
    runs.close(runId, 99);
    long ben = item(runId, "ben@example.com").itemId();
    assertThat(told.subList(5, told.size())).containsExactly(
        "manager mo@example.com m-" + ada + ": kept by omar@example.com: \"she runs the Q4 audit / confirmed by"
            + " omar@example.com: confirmed\".",
        "owner omar@example.com edited o-1: 3 found, 2 warned, 0 asked, 1 kept, 0 removed, 0 would",
        "manager omar@example.com m-" + ben + ": removed at 2026-12-08T09:00:00Z.",
        "owner omar@example.com edited o-1: 3 found, 0 warned, 0 asked, 1 kept, 2 removed, 0 would",
        "owner omar@example.com edited o-1: 3 found, 0 warned, 0 asked, 1 kept, 2 removed, 0 would, closed");
    String record = String.join("\n", tickets.reclaimTicket(runId));
    assertThat(record).contains("Policy: access unused for 90 days is warned, then removed after a grace of 7 days")
        .contains("Also told: each warned person's manager (who may keep it with a reason) and the"
        + " app's owners (one summary of the run).").contains("WARNED: removed at 2026-12-08T09:00:00Z unless used or"
        + " kept · manager told omar@example.com in chat");
  }

  @Test
  void aManagerTheyDoNotTellCannotKeepAndADryRunTellsTheOwnersWhatItWouldDoAndNobodyElse() throws Exception {
    inventory(managed("ada@example.com", "mo@example.com"));
    Catalog enforce = catalog("{inactiveAfter: P90D, mode: enforce}");
    String runId = startRun(runs(enforce), "grafana-quiet");
    assertThat(told).isEmpty();
    assertThat(item(runId, "ada@example.com").managerNotice()).contains("the policy does not tell managers");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> keeps(enforce).keep(item(runId, "ada@example.com")
            .itemId(), "mo@example.com", "she needs it", dev.accessflow.workflows.model.Channel.REST))
        .isInstanceOfSatisfying(dev.accessflow.api.ApiProblem.class, p -> assertThat(p.status()).isEqualTo(403))
        .hasMessageContaining("not-member-or-owner");
    ledger.policyWithdrawn(runId, "admin", "test: the next run starts clean");

    clock.advance(Duration.ofDays(1));
    String dry = startRun(runs(catalog("{inactiveAfter: P90D, notify: [manager, owners]}")), "grafana-dry-notify");
    assertThat(told).containsExactly("owner omar@example.com posted: 1 found, 0 warned, 0 asked, 0 kept, 0 removed,"
        + " 1 would");
    assertThat(warnings).extracting(ReclaimMessages.ReclaimWarning::login).containsExactly("ada@example.com");
    assertThat(item(dry, "ada@example.com").managerNotice()).isNull(); // nobody is warned in a dry-run
  }

  @Test
  void dryRunRecordsWhatEnforceWouldDoAndChangesNothingThenEnforceWarns() throws Exception {
    // No IdP app named: the IdP's last login is the signal, and a person with none is kept under noSignal: keep.
    inventory(member("ada@example.com", SCAN.minus(Duration.ofDays(100))), member("ben@example.com", null),
        member("cy@example.com", SCAN.minus(Duration.ofDays(3))));
    ReclaimRuns dryRun = runs(catalog("{inactiveAfter: P90D, mode: dry-run}"));

    String first = startRun(dryRun, "grafana-dry");
    ReclaimPass pass = dryRun.pass(first, 25);

    assertThat(ledger.items(new ReclaimLedger.ItemFilter(null, null, first, null), 0, 10))
        .extracting(ReclaimLedger.Item::login, ReclaimLedger.Item::state, ReclaimLedger.Item::signal)
        .containsExactly(tuple("ada@example.com", ReclaimRules.WOULD_RECLAIM, ReclaimRules.IDP_LAST_LOGIN),
            tuple("ben@example.com", ReclaimRules.NO_SIGNAL_KEPT, ReclaimRules.NO_SIGNAL));
    assertThat(pass.settled()).isTrue();
    assertThat(warnings).isEmpty();
    assertThat(removals).isEmpty();
    assertThat(ledger.usageRead("grafana")).isEmpty(); // no app id: the log is not read

    clock.advance(Duration.ofDays(1));
    ReclaimRuns enforce = runs(catalog("{inactiveAfter: P90D, mode: enforce}"));
    String second = startRun(enforce, "grafana-enforce");

    assertThat(ledger.items(new ReclaimLedger.ItemFilter(null, null, second, null), 0, 10))
        .extracting(ReclaimLedger.Item::login, ReclaimLedger.Item::state)
        .containsExactly(tuple("ada@example.com", ReclaimRules.WARNED)); // ben's no-signal is not repeated
    assertThat(warnings).extracting(ReclaimMessages.ReclaimWarning::login).containsExactly("ada@example.com");
  }

  @Test
  void aPolicySwitchedToDryRunDuringTheGraceRemovesNothingAndSaysWhy() throws Exception {
    inventory(member("ada@example.com", SCAN.minus(Duration.ofDays(100))));
    String runId = startRun(runs(catalog("{inactiveAfter: P90D, mode: enforce}")), "grafana-switched");
    assertThat(item(runId, "ada@example.com").state()).isEqualTo(ReclaimRules.WARNED);

    ReclaimRuns dryRun = runs(catalog("{inactiveAfter: P90D, mode: dry-run}"));
    clock.advance(Duration.ofDays(8)); // past the grace
    ReclaimPass pass = dryRun.pass(runId, 25);

    assertThat(pass.kept()).isEqualTo(1);
    assertThat(pass.settled()).isTrue();
    assertThat(removals).isEmpty();
    ReclaimLedger.Item ada = item(runId, "ada@example.com");
    assertThat(ada.state()).isEqualTo(ReclaimRules.KEPT);
    assertThat(ada.decidedVia()).isEqualTo("POLICY");
    assertThat(ada.reason()).contains("switched to dry-run");
    dryRun.report(runId, 1, 50);
    assertThat(settled).containsExactly("D-ada@example.com ts-" + ada.itemId()
        + ": kept: the app's reclaim policy was switched to dry-run during the grace.");
  }

  @Test
  void aRolesOwnPolicyJudgesItsMembershipsAndARoleWithoutOneIsLeftAlone() throws Exception {
    inventory(member("ada@example.com", SCAN.minus(Duration.ofDays(100))));
    String yaml = Files.readString(Path.of("../config/catalog.yml"));
    String admin = "        groups: [grafana-admins]\n";
    assertThat(yaml).contains(admin);
    // The app reports only; its admin role is enforced with a shorter grace.
    Catalog enforcedAdmins = CatalogFile.parse(Path.of("catalog.yml"), yaml.replace(admin, admin
        + "        reclaim: {mode: enforce, grace: P2D}\n").replace("    owners: [omar@example.com]\n    roles:\n      viewer:",
        "    owners: [omar@example.com]\n    reclaim: {inactiveAfter: P90D, mode: dry-run}\n    roles:\n      viewer:"));
    String runId = startRun(runs(enforcedAdmins), "grafana-roles");
    ReclaimLedger.Item ada = item(runId, "ada@example.com");
    assertThat(ada.state()).isEqualTo(ReclaimRules.WARNED);
    assertThat(ada.mode()).isEqualTo("enforce");
    assertThat(ada.graceEndsAt()).isEqualTo(SCAN.plus(Duration.ofDays(2)));

    // Only the viewers reclaim: the admins' memberships are not judged at all.
    clock.advance(Duration.ofDays(1));
    Catalog viewersOnly = CatalogFile.parse(Path.of("catalog.yml"), yaml.replace("        groups: [grafana-viewers]\n",
        "        groups: [grafana-viewers]\n        reclaim: {inactiveAfter: P90D, mode: enforce}\n"));
    ledger.policyWithdrawn(runId, "admin", "test: the next run starts clean");
    String second = startRun(runs(viewersOnly), "grafana-viewers-only");
    assertThat(ledger.counts(second).items()).isZero();

    // The app reclaims every role but admin, which is turned off (break-glass access used rarely by design).
    clock.advance(Duration.ofDays(1));
    Catalog adminsOff = CatalogFile.parse(Path.of("catalog.yml"), yaml.replace(admin, admin
        + "        reclaim: {mode: off}\n").replace("    owners: [omar@example.com]\n    roles:\n      viewer:",
        "    owners: [omar@example.com]\n    reclaim: {inactiveAfter: P90D, mode: enforce}\n    roles:\n      viewer:"));
    String third = startRun(runs(adminsOff), "grafana-admins-off");
    assertThat(ledger.counts(third).items()).isZero();
  }

  @Test
  void aReclaimPolicyTakenOutOfTheCatalogJudgesNothing() throws Exception {
    inventory(member("ada@example.com", null));
    ReclaimRuns runs = runs(CatalogFile.load(Path.of("../config/catalog.yml")));

    String runId = startRun(runs, "grafana-gone");

    assertThat(ledger.counts(runId).items()).isZero();
    assertThat(ledger.run(runId).orElseThrow().state()).isEqualTo(ReclaimLedger.GRACE);
    assertThat(runs.pass(runId, 25).settled()).isTrue();
  }

  @Test
  void aLogTheIdpRefusesToShowHoldsTheRunInsteadOfReadingAsNobodySignedIn() throws Exception {
    inventory(member("ada@example.com", null));
    dev.accessflow.workflows.ports.AppSignIns refusing = new dev.accessflow.workflows.ports.AppSignIns() {
      @Override
      public Duration retention() {
        return Duration.ofDays(90);
      }

      @Override
      public SignInPage signIns(String idpApp, Instant since, Instant until, String cursor, int limit) {
        throw ApplicationFailure.newNonRetryableFailure("Okta refused to read the System Log (HTTP 403 E0000006):"
            + " the OAuth service app needs okta.logs.read", AccessflowTemporal.IDP_REJECTED);
      }
    };
    ReclaimRuns runs = new ReclaimRuns(ledger, catalog("{inactiveAfter: P90D, mode: enforce, idpApp: 0oaGRAFANA}"),
        refusing, sandbox, sandbox, ReclaimMessages.NONE, tickets, null, clock);
    ledger.createRun(new ReclaimLedger.Run("grafana-refused", "grafana", "omar@example.com", "rest", clock.instant(),
        null, null, null));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> runs.readUsage("grafana-refused", 10))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.isNonRetryable()).isFalse(); // retried: the workflow waits, it does not fail or move on
          assertThat(f.getType()).isEqualTo("UsageSignalUnreadable");
          assertThat(f.getOriginalMessage()).contains("nothing is judged or removed").contains("okta.logs.read");
        });
    assertThat(ledger.usageRead("grafana").orElseThrow().coverage()).isNull();
  }
}
