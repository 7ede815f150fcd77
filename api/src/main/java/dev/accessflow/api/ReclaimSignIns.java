package dev.accessflow.api;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.api.okta.OktaEventHookResource;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.workflows.ports.AppSignIns;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Sign-ins to apps as they happen (an Okta event hook, the sandbox console): recorded in the
 * reclaim ledger as each person's latest, then the app's open runs are nudged so a grace ends at
 * once. The run reads the log before every pass anyway; this only makes "kept" immediate.
 */
public final class ReclaimSignIns implements OktaEventHookResource.AppSignInSink {
  private final Catalog catalog;
  private final ReclaimLedger ledger;
  private final ReclaimWorkflows workflows;

  public ReclaimSignIns(Catalog catalog, ReclaimLedger ledger, ReclaimWorkflows workflows) {
    this.catalog = catalog;
    this.ledger = ledger;
    this.workflows = workflows;
  }

  /** The IdP app ids the catalog's reclaim policies read sign-ins of. */
  public Set<String> idpApps() {
    return catalog.apps().values().stream().flatMap(a -> a.reclaimScan().stream())
        .filter(p -> p.idpApp() != null).map(p -> p.idpApp()).collect(Collectors.toUnmodifiableSet());
  }

  @Override
  public void signedIn(String idpApp, List<AppSignIns.SignIn> signIns) {
    List<ReclaimLedger.SignIn> rows = signIns.stream()
        .map(s -> new ReclaimLedger.SignIn(s.login(), s.idpUserId(), s.at())).toList();
    for (CatalogApp app : catalog.apps().values()) {
      if (!app.reclaimScan().map(p -> idpApp.equals(p.idpApp())).orElse(false)) {
        continue;
      }
      ledger.signedIn(app.id(), rows);
      ledger.runs(app.id(), 20).stream().filter(r -> !ReclaimLedger.CLOSED.equals(r.state()))
          .forEach(r -> workflows.nudge(r.runId()));
    }
  }
}
