package dev.accessflow.workflows.approval;

import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.IdpUser;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the catalog's route into the people who decide this request: the requester's manager filled
 * in from the IdP, the requester left out of every stage (nobody approves their own request), and a
 * stage left short topped up from its escalateTo people. A stage's rule is never weakened: when too
 * few people remain for "N of", the request fails with a reason instead. Pure, so replays agree.
 */
public final class RouteResolver {
  private RouteResolver() {}

  /**
   * @param route the stages with the people each asks
   * @param notes what resolution changed, for the audit trail (empty when nothing changed)
   * @param failure why the request cannot be routed, or null
   */
  public record Resolution(List<ApprovalStage> route, List<String> notes, String failure) {}

  public static Resolution resolve(List<ApprovalStage> stages, String requester, IdpUser user) {
    List<ApprovalStage> resolved = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (ApprovalStage stage : stages) {
      List<String> people = new ArrayList<>(stage.approvers());
      String missingManager = null;
      if (stage.requesterManager()) {
        if (user.manager() == null || user.manager().isBlank()) {
          missingManager = requester + " has no manager in the IdP";
        } else {
          people.add(user.manager());
        }
      }
      // "All of" counts people, not names (a manager who is also an owner approves once); a missing
      // manager or a requester named in the stage still counts, so their place must be filled.
      int needed = stage.allOf() ? distinct(people).size() + (missingManager == null ? 0 : 1) : stage.required();
      boolean requesterNamed = people.removeIf(p -> p.equalsIgnoreCase(requester));
      List<String> added = new ArrayList<>();
      if (distinct(people).size() < needed) {
        for (String fallback : stage.escalateTo()) {
          if (!fallback.equalsIgnoreCase(requester) && distinct(people).stream().noneMatch(fallback::equalsIgnoreCase)) {
            people.add(fallback);
            added.add(fallback);
          }
        }
      }
      List<String> why = new ArrayList<>();
      if (missingManager != null) {
        why.add(missingManager);
      }
      if (requesterNamed) {
        why.add("the requester cannot approve their own request");
      }
      int possible = distinct(people).size();
      if (possible == 0) {
        return new Resolution(List.of(), notes, "stage '" + stage.name() + "' has nobody who may approve it ("
            + (missingManager == null ? "" : missingManager + "; ")
            + "the requester cannot approve their own request, and the stage names no escalateTo people)");
      }
      if (possible < needed) {
        return new Resolution(List.of(), notes, "stage '" + stage.name() + "' needs " + needed + " approvals but only "
            + possible + " people may give them (" + String.join(", ", distinct(people)) + "): "
            + String.join("; ", why) + (stage.escalateTo().isEmpty() ? ", and the stage names no escalateTo people"
                : ", and its escalateTo people are not enough"));
      }
      if (!added.isEmpty()) {
        notes.add("stage '" + stage.name() + "' asks " + String.join(", ", added) + " (its escalateTo people) because "
            + String.join("; ", why));
      }
      resolved.add(stage.withApprovers(distinct(people), needed));
    }
    return new Resolution(List.copyOf(resolved), List.copyOf(notes), null);
  }

  static List<String> distinct(List<String> logins) {
    List<String> out = new ArrayList<>();
    for (String login : logins) {
      if (out.stream().noneMatch(l -> l.equalsIgnoreCase(login))) {
        out.add(login);
      }
    }
    return out;
  }
}
