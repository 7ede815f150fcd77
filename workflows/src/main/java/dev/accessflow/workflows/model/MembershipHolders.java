package dev.accessflow.workflows.model;

import java.util.List;

/**
 * The state a group membership carries across continue-as-new: which requests hold it, whether it
 * is in place, and whether it was there before accessflow granted it (standing: never removed).
 */
public record MembershipHolders(List<String> requestIds, boolean member, boolean standing) {
  public static final MembershipHolders NONE = new MembershipHolders(List.of(), false, false);

  public MembershipHolders {
    requestIds = List.copyOf(requestIds);
  }

  public MembershipHolders(List<String> requestIds, boolean member) {
    this(requestIds, member, false);
  }
}
