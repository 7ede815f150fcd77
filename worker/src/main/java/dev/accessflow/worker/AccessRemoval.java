package dev.accessflow.worker;

import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.Revocation;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Takes a person out of an item's groups for a review or a reclaim: an active grant's request is
 * revoked first (its workflow releases the membership), standing access is removed through the
 * person's membership workflow, and the inventory is told. A grant approved after the item was
 * found is a newer decision by its approvers and is left alone, with why.
 */
public final class AccessRemoval {

  /** Ends a request's grant now (its workflow releases the membership); an ended request is no error. */
  @FunctionalInterface
  public interface GrantRevoker {
    void revoke(String requestId, Revocation revocation);
  }

  /**
   * Who takes the access away, and why (for the revoked request's record).
   *
   * @param foundWhen when the item was found, in words ("the review opened"): a grant after it is left alone
   */
  public record Removal(String trail, String login, String idpUserId, List<String> groups, String requestId,
      String actor, Channel via, String why, String foundWhen) {}

  private final InventoryLedger inventory;
  private final InventoryLedger.LeaseLookup leases;
  private final GrantRevoker grants;
  private final DriftResponse.UnheldRemoval removal;
  private final dev.accessflow.workflows.ports.IdentityProvider idp;

  public AccessRemoval(InventoryLedger inventory, InventoryLedger.LeaseLookup leases, GrantRevoker grants,
      DriftResponse.UnheldRemoval removal, dev.accessflow.workflows.ports.IdentityProvider idp) {
    this.inventory = inventory;
    this.leases = leases;
    this.grants = grants;
    this.removal = removal;
    this.idp = idp;
  }

  /**
   * Removes the person from every group of {@code r}; returns what was done, in words. Throws an
   * {@link ApplicationFailure} (or IllegalStateException) when the IdP did not confirm it: the
   * caller records the error and tries again later.
   */
  public String remove(Removal r) {
    List<String> done = new ArrayList<>();
    for (String group : r.groups()) {
      Optional<InventoryLedger.ActiveGrant> grant = inventory.activeGrant(group, r.login(), r.idpUserId());
      if (grant.isPresent() && !grant.get().requestId().equals(r.requestId())) {
        done.add("left in " + group + ": request " + grant.get().requestId() + " granted it after " + r.foundWhen());
        continue;
      }
      if (grant.isPresent()) {
        grants.revoke(grant.get().requestId(), new Revocation(r.trail(), r.actor(), r.via(), r.why()));
        done.add("request " + grant.get().requestId() + " revoked");
      }
      String holder = leases.holder(group, r.login());
      if (holder != null) {
        throw ApplicationFailure.newNonRetryableFailure("request " + holder + " holds the membership of " + group
            + " while it is granted or released; looking again in a minute", AccessflowTemporal.MEMBERSHIP_HELD);
      }
      String userId = r.idpUserId() != null ? r.idpUserId() : idp.resolveUser(r.login()).id();
      String absent = removal.remove(new Membership(r.trail(), r.login(), userId, group));
      inventory.membershipRemoved(group, r.login());
      done.add((absent == null ? "removed from " : "already out of ") + group + " through the IdP");
    }
    return String.join("; ", done);
  }

  /** The error of a removal that did not go through, in words. */
  public static String error(RuntimeException e) {
    return e instanceof ApplicationFailure a ? a.getOriginalMessage() : e.getMessage();
  }
}
