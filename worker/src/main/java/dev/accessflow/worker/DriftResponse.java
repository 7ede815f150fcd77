package dev.accessflow.worker;

import dev.accessflow.ledger.DriftFindings;
import dev.accessflow.ledger.DriftFindings.Finding;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.DriftSweep;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.ApprovalChat;
import dev.accessflow.workflows.ports.DriftActions;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What accessflow does about drift: every new finding goes to the security channel and the audit
 * log, and a membership whose removal is due (the remove policy after its grace, a comeback at
 * once, or an admin's request) is taken away through the IdP once nothing grants it.
 */
public final class DriftResponse implements DriftActions {
  private static final Logger audit = LoggerFactory.getLogger("accessflow.audit");
  /** More findings than this of one kind in one group are told as one line, not one each. */
  static final int LINES_PER_GROUP = 3;
  /** A removal the IdP did not take is tried again after this. */
  static final Duration RETRY_REMOVAL = Duration.ofMinutes(1);

  private final DriftFindings findings;
  private final InventoryLedger inventory;
  private final IdentityProvider idp;
  private final ApprovalChat chat;
  private final AccessTickets tickets;
  private final InventoryLedger.LeaseLookup leases;
  private final UnheldRemoval removal;
  private final Clock clock;

  /** Takes a person out of a group unless a request holds the membership (through its membership workflow). */
  @FunctionalInterface
  public interface UnheldRemoval {
    /**
     * @return null when removed, else why there was nothing to remove; fails with {@code MembershipHeld}
     *     while a request holds it
     */
    String remove(Membership membership);
  }

  public DriftResponse(DriftFindings findings, InventoryLedger inventory, IdentityProvider idp, ApprovalChat chat,
      AccessTickets tickets, InventoryLedger.LeaseLookup leases, UnheldRemoval removal, Clock clock) {
    this.removal = removal;
    this.tickets = tickets;
    this.findings = findings;
    this.inventory = inventory;
    this.idp = idp;
    this.chat = chat;
    this.leases = leases;
    this.clock = clock;
  }

  @Override
  public DriftSweep sweep(int limit) {
    // Removals first: a ticket system that is down (the report fails and is retried) never holds one up.
    List<Finding> due = findings.dueRemovals(limit);
    int removed = 0;
    for (Finding finding : due) {
      removed += remove(finding) ? 1 : 0;
    }
    List<Finding> fresh = findings.unreported(limit);
    report(fresh);
    int remaining = (fresh.size() == limit ? 1 : 0) + (due.size() == limit ? 1 : 0);
    return new DriftSweep(fresh.size(), removed, remaining, findings.nextRemovalAt().orElse(null));
  }

  private void report(List<Finding> fresh) {
    Map<String, List<Finding>> byGroupAndKind = new LinkedHashMap<>();
    for (Finding f : fresh) {
      byGroupAndKind.computeIfAbsent(f.groupId() + " " + f.kind(), k -> new ArrayList<>()).add(f);
    }
    for (List<Finding> batch : byGroupAndKind.values()) {
      // One ticket per group and kind a sweep reports, found again by its id if a retry already opened it.
      Finding head = batch.get(0);
      String ticket = tickets.openDriftTicket("drift-" + head.findingId(), ticketSummary(batch), ticketText(batch));
      String onTicket = ticket == null ? "" : " Ticket " + ticket + ".";
      if (batch.size() <= LINES_PER_GROUP) {
        for (Finding f : batch) {
          audit.warn("drift finding {}: {} {} in group {} ({}/{}), policy {}: {}", f.findingId(), f.kind(),
              f.login().isEmpty() ? "-" : f.login(), f.groupId(), f.app(), f.role(), f.policy(), f.detail());
          chat.alertSecurity(line(f) + onTicket);
        }
      } else {
        Finding first = batch.get(0);
        // Each is in the ledger (GET /v1/drift); a first sync of thousands is one line, not thousands.
        audit.warn("drift findings {} to {}: {} memberships of group {} ({}/{}) with no grant ({}), policy {}",
            first.findingId(), batch.get(batch.size() - 1).findingId(), batch.size(), first.groupId(), first.app(),
            first.role(), first.kind(), first.policy());
        chat.alertSecurity(":warning: Drift: " + batch.size() + " memberships of group " + first.groupId() + " ("
            + first.app() + "/" + first.role() + ") have no grant behind them (" + first.kind() + "), e.g. "
            + String.join(", ", batch.stream().limit(5).map(Finding::login).toList()) + ". " + policyLine(first)
            + " See GET /v1/drift?open=true&group=" + first.groupId() + "." + onTicket);
      }
      findings.markReported(batch.stream().map(Finding::findingId).toList(), ticket);
    }
  }

  private static String ticketSummary(List<Finding> batch) {
    Finding f = batch.get(0);
    String what = f.login().isEmpty() ? "group " + f.groupId() + " " + f.kind().replace("group-", "")
        : batch.size() == 1 ? f.login() + " in group " + f.groupId() + " with no grant (" + f.kind() + ")"
        : batch.size() + " memberships of group " + f.groupId() + " with no grant (" + f.kind() + ")";
    return "Access drift: " + what + " — " + f.app() + " / " + f.role();
  }

  /** The findings of the report, one line each (the first 200; the rest are in GET /v1/drift). */
  private static String ticketText(List<Finding> batch) {
    Finding f = batch.get(0);
    StringBuilder text = new StringBuilder("accessflow found access nobody granted through it in group ")
        .append(f.groupId()).append(" (").append(f.app()).append(" / ").append(f.role()).append("). ")
        .append(policyLine(f)).append("\n");
    batch.stream().limit(200).forEach(x -> text.append("\nFinding ").append(x.findingId()).append(": ")
        .append(x.login().isEmpty() ? "the group itself" : x.login()).append(" — ").append(x.detail())
        .append(" (seen ").append(x.detectedAt()).append(", by ").append(x.detectedBy()).append(")"));
    if (batch.size() > 200) {
      text.append("\n… and ").append(batch.size() - 200).append(" more: GET /v1/drift?open=true&group=")
          .append(f.groupId());
    }
    return text.toString();
  }

  private static String line(Finding f) {
    String who = f.login().isEmpty() ? "Group " + f.groupId() : f.login() + " is in group " + f.groupId() + " ("
        + f.app() + "/" + f.role() + ")";
    return ":warning: Drift finding " + f.findingId() + " (" + f.kind() + "): " + who + ". " + f.detail() + ". "
        + policyLine(f);
  }

  private static String policyLine(Finding f) {
    return switch (f.policy()) {
      case "remove" -> f.login().isEmpty() ? "Fix the catalog." : "Policy remove: it is taken away at "
          + f.removeAfter() + " unless a request grants it first.";
      case "adopt" -> "Policy adopt: recorded as standing access.";
      default -> "Policy report: adopt or remove it (POST /v1/drift/" + f.findingId() + "/resolution).";
    };
  }

  /** True when the membership is gone now (removed, or found granted meanwhile and left). */
  private boolean remove(Finding f) {
    String by = f.removalRequestedBy() != null ? f.removalRequestedBy() : "policy";
    Optional<InventoryLedger.ActiveGrant> grant = inventory.activeGrant(f.groupId(), f.login(), f.idpUserId());
    if (grant.isPresent()) {
      // Approved access is never cut short. The grant found the membership there (it is the finding's),
      // so it leaves it in place at its end: the removal waits for that end, and the finding stays open.
      Instant until = grant.get().expiresAt() == null ? clock.instant().plus(Duration.ofDays(1)) : grant.get().expiresAt();
      findings.postponeRemoval(f.findingId(), "request " + grant.get().requestId() + " grants this membership until "
          + until + "; the removal waits for its end", until.plus(RETRY_REMOVAL));
      return false;
    }
    String holder = leases.holder(f.groupId(), f.login());
    if (holder != null) {
      findings.postponeRemoval(f.findingId(), "request " + holder + " is being granted this membership; looking again"
          + " in " + RETRY_REMOVAL.toMinutes() + " min", clock.instant().plus(RETRY_REMOVAL));
      return false;
    }
    try {
      String userId = f.idpUserId() != null ? f.idpUserId() : idp.resolveUser(f.login()).id();
      String absent = removal.remove(new Membership("drift-" + f.findingId(), f.login(), userId, f.groupId()));
      String why = f.removalReason() != null ? f.removalReason()
          : f.kind().equals("reappeared") ? "came back after accessflow removed it (sticky revoke)"
          : "no grant behind it after the grace of the remove policy";
      String resolution = (absent == null ? "removed from group " : "already out of group ") + f.groupId()
          + " through the IdP: " + why + (absent == null ? "" : " (" + absent + ")");
      findings.resolve(f.findingId(), "removed", by, resolution);
      inventory.membershipRemoved(f.groupId(), f.login());
      audit.warn("drift finding {}: {} {} (by {})", f.findingId(), resolution, f.login(), by);
      chat.alertSecurity(":no_entry: Drift finding " + f.findingId() + ": " + f.login() + " " + resolution + ".");
      return true;
    } catch (ApplicationFailure | IllegalStateException e) {
      if (e instanceof ApplicationFailure held && AccessflowTemporal.MEMBERSHIP_HELD.equals(held.getType())) {
        // A request took the lease between the checks above and the removal: the grant wins.
        findings.postponeRemoval(f.findingId(), held.getOriginalMessage(), clock.instant().plus(RETRY_REMOVAL));
        return false;
      }
      String error = e instanceof ApplicationFailure a ? a.getOriginalMessage() : e.getMessage();
      Instant retry = clock.instant().plus(RETRY_REMOVAL);
      findings.removalFailed(f.findingId(), error, retry);
      audit.warn("drift finding {}: removing {} from group {} failed, retrying at {}: {}", f.findingId(), f.login(),
          f.groupId(), retry, error);
      return false;
    }
  }
}
