package dev.accessflow.workflows.ports;

import dev.accessflow.workflows.model.DirectoryMember;
import java.util.List;
import java.util.Optional;

/** The IdP as the inventory reads it: a group's name and its members, a page at a time. */
public interface GroupDirectory {

  /** One page of members and the cursor of the next (null after the last). */
  record Page(List<DirectoryMember> members, String next) {
    public Page {
      members = List.copyOf(members);
    }
  }

  /** The group's name in the IdP; empty when the IdP has no such group. */
  Optional<String> groupName(String groupId);

  /**
   * The members of the group after {@code cursor} (null: from the start), at most {@code limit}.
   * Fails non-retryably with {@code UnknownGroup} when there is no such group.
   */
  Page members(String groupId, String cursor, int limit);
}
