package dev.accessflow.api.catalog;

import java.util.List;

/**
 * When a low-risk role needs no human: the requester's department (from the IdP) expects it, or the
 * same person had the same role approved at least {@code approvedBefore} times before (0 = rule off).
 */
public record AutoApproval(List<String> departments, int approvedBefore) {
  public static final AutoApproval NONE = new AutoApproval(List.of(), 0);

  public AutoApproval {
    departments = List.copyOf(departments);
  }

  public boolean isEmpty() {
    return departments.isEmpty() && approvedBefore == 0;
  }
}
