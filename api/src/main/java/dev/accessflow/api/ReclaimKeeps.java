package dev.accessflow.api;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.ledger.LedgerRefusal;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.ReclaimPolicy;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Keep access", from any channel: recorded in the ledger with its reason by the rules there
 * (the member, their manager where the policy tells managers, or an owner; confirmed by an owner
 * when the policy says so, never self-confirmed), then the run is nudged. A refused Keep writes
 * nothing and says which rule refused it.
 */
public final class ReclaimKeeps {
  private static final Logger audit = LoggerFactory.getLogger("accessflow.audit");
  /** The longest reason kept (a sentence or two, not a document). */
  public static final int MAX_REASON = 1_000;

  private final Catalog catalog;
  private final ReclaimLedger ledger;
  private final ReclaimWorkflows workflows;

  public ReclaimKeeps(Catalog catalog, ReclaimLedger ledger, ReclaimWorkflows workflows) {
    this.catalog = catalog;
    this.ledger = ledger;
    this.workflows = workflows;
  }

  public ReclaimLedger.Item keep(long itemId, String actor, String reason, Channel via) {
    if (reason != null && reason.length() > MAX_REASON) {
      throw ApiProblem.invalid("reason", "reason is longer than " + MAX_REASON + " characters");
    }
    ReclaimLedger.Item item = ledger.item(itemId)
        .orElseThrow(() -> new ApiProblem(404, "no reclaim item " + itemId, "itemId"));
    CatalogApp app = catalog.app(item.app()).orElse(null);
    List<String> owners = app == null ? List.of()
        : app.owners().stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
    ReclaimPolicy policy = app == null ? null : app.reclaimFor(item.role());
    String confirmedBy = policy == null ? "member" : policy.keepConfirmedBy();
    ReclaimLedger.Item kept;
    try {
      // The manager keeps it like the person where the policy tells managers (and so asks them).
      kept = ledger.keep(itemId, actor, via.name(), reason, owners, confirmedBy == null ? "member" : confirmedBy,
          policy != null && policy.notifies(ReclaimPolicy.MANAGER));
    } catch (LedgerRefusal refused) {
      // A missing reason is a bad field like any other (422), the rest keep the ledger's status.
      throw refused.status() == 400 ? ApiProblem.invalid("reason", refused.getMessage())
          : new ApiProblem(refused.status(), refused.getMessage(), refused.status() == 404 ? "itemId" : null);
    }
    audit.info("reclaim {} item {}: {} {} {}/{} for {} via {}", item.runId(), itemId, actor,
        kept.state().equals("kept") ? "kept" : "asked to keep", item.app(), item.role(), item.login(), via);
    workflows.nudge(item.runId());
    return kept;
  }
}
