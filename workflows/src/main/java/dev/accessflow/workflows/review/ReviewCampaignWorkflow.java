package dev.accessflow.workflows.review;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ReviewRun;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * One access review campaign ({@link AccessflowTemporal#reviewWorkflowId}): opens its items from
 * the inventory, tells the reviewers, reminds them, escalates or rules at the due date, carries out
 * every revocation through the IdP and writes the record to the campaign's ticket. The items and
 * decisions live in the ledger; the workflow holds counts and cursors, and continues as new.
 */
@WorkflowInterface
public interface ReviewCampaignWorkflow {

  @WorkflowMethod(name = AccessflowTemporal.REVIEW_WORKFLOW_TYPE)
  void run(ReviewRun run);

  /**
   * Decisions were recorded in the ledger (by these reviewers): carry out the revocations, write
   * the record, refresh their messages. A nudge only; a lost one is made up at the next wake-up.
   */
  @SignalMethod(name = AccessflowTemporal.SIGNAL_REVIEW_DECIDED,
      description = "A reviewer certified or revoked items (the ledger holds the decision); wakes the campaign.")
  void decided(List<String> reviewers);

  @QueryMethod(name = AccessflowTemporal.QUERY_STATE,
      description = "The campaign now: items decided, pending, due date.")
  ReviewRun state();
}
