package dev.accessflow.workflows;

import java.util.List;

/** The state a group membership carries across continue-as-new: which requests hold it, and whether it is in place. */
public record MembershipHolders(List<String> requestIds, boolean member) {
  public static final MembershipHolders NONE = new MembershipHolders(List.of(), false);

  public MembershipHolders {
    requestIds = List.copyOf(requestIds);
  }
}
