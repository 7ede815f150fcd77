package dev.accessflow.api.rest;

import dev.accessflow.workflows.model.ApprovalStage;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to {@code POST /v1/requests}: the request's id and who will decide it, with the
 * requester's manager already filled in from the IdP (the catalog's "manager" is shown as such
 * only when the IdP could not be asked at intake; the workflow resolves it then).
 *
 * @param approvers everyone who may decide some stage, in route order, each once
 */
public record CreatedView(String requestId, String status, List<String> approvers, List<RequestView.StageView> route) {

  static CreatedView of(String requestId, List<ApprovalStage> route) {
    List<String> approvers = new ArrayList<>();
    for (ApprovalStage stage : route) {
      if (stage.requesterManager()) {
        approvers.add("the requester's manager");
      }
      stage.approvers().stream().filter(a -> approvers.stream().noneMatch(a::equalsIgnoreCase)).forEach(approvers::add);
    }
    return new CreatedView(requestId, "SUBMITTED", List.copyOf(approvers),
        route.stream().map(RequestView.StageView::of).toList());
  }
}
