package dev.accessflow.activities.okta;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Start-up check that every Okta group the catalog grants exists and is one accessflow can change.
 * Returns human-readable errors; the process should refuse to start when there are any, rather than
 * fail the first request that needs a misconfigured group.
 */
public final class OktaCatalogCheck {
  private final OktaDirectory directory;
  private final Map<String, String> names = new java.util.LinkedHashMap<>();

  public OktaCatalogCheck(OktaDirectory directory) {
    this.directory = directory;
  }

  /** Errors for the catalog's {@code groupIds}; empty when all are usable. */
  public List<String> check(Collection<String> groupIds) {
    Collection<String> wanted = new LinkedHashSet<>(groupIds);
    Map<String, OktaDirectory.OktaGroup> found = directory.findGroups(wanted);
    found.forEach((id, group) -> {
      if (group.name() != null) {
        names.put(id, group.name());
      }
    });
    List<String> errors = new ArrayList<>();
    for (String id : wanted) {
      OktaDirectory.OktaGroup group = found.get(id);
      if (group == null) {
        errors.add("catalog group " + id + " does not exist in Okta");
      } else if (group.type() != null && !"OKTA_GROUP".equals(group.type())) {
        // Okta only lets the API change OKTA_GROUP memberships; APP_GROUPs (e.g. AD) are owned by imports.
        errors.add("catalog group " + id + " (" + group.name() + ") is an " + group.type()
            + "; Okta only allows membership changes on OKTA_GROUP groups");
      }
    }
    return errors;
  }

  /** The Okta name of each group the last check found (tickets and messages name groups with it). */
  public Map<String, String> names() {
    return Map.copyOf(names);
  }
}
