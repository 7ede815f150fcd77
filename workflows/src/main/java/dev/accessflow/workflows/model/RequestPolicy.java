package dev.accessflow.workflows.model;

import java.time.Duration;
import java.util.List;

/**
 * The parts of the catalog's policy the workflow applies itself, because they depend on the IdP
 * profile it resolves or on what happens after the grant. Resolved at the edge like the route.
 *
 * @param autoApproveDepartments requester departments (from the IdP) for which the role is expected: approved by policy
 * @param autoApprovedBy set when the edge already found an auto-approval rule that applies (e.g. approved N times before)
 * @param selfExtend the requester may extend the grant themselves, up to maxDuration
 * @param breakGlass emergency access: granted at once, the route becomes an after-the-fact review
 * @param reviewTimings reminders for an unreviewed break-glass grant
 * @param expiringSoonLead how long before the expiry the requester is told it ends soon; null = never
 */
public record RequestPolicy(
    List<String> autoApproveDepartments,
    String autoApprovedBy,
    boolean selfExtend,
    boolean breakGlass,
    StageTimings reviewTimings,
    Duration expiringSoonLead) {

  public static final RequestPolicy NONE = new RequestPolicy(List.of(), null, false, false, StageTimings.DEFAULT, null);

  public RequestPolicy {
    autoApproveDepartments = autoApproveDepartments == null ? List.of() : List.copyOf(autoApproveDepartments);
    reviewTimings = reviewTimings == null ? StageTimings.DEFAULT : reviewTimings;
  }

  public RequestPolicy(List<String> autoApproveDepartments, String autoApprovedBy, boolean selfExtend, boolean breakGlass,
      StageTimings reviewTimings) {
    this(autoApproveDepartments, autoApprovedBy, selfExtend, breakGlass, reviewTimings, null);
  }

  /** The auto-approval rule that applies to a requester in this department, or null. */
  public String autoApprovalRule(String department) {
    if (autoApprovedBy != null) {
      return autoApprovedBy;
    }
    if (department != null && autoApproveDepartments.stream().anyMatch(d -> d.equalsIgnoreCase(department))) {
      return "the role is expected for department " + department;
    }
    return null;
  }
}
