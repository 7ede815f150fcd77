package dev.accessflow.ledger;

/**
 * Why the ledger refused a person's action (a review decision, a reclaim Keep), by a named rule;
 * nothing was written. status is the HTTP status the API answers with (400, 403, 404 or 409).
 */
public final class LedgerRefusal extends RuntimeException {
  private final int status;

  LedgerRefusal(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
