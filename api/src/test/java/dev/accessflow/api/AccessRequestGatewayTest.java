package dev.accessflow.api;

import java.util.Map;
import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static dev.accessflow.workflows.testing.AccessRequests.OWNER;
import static dev.accessflow.workflows.testing.AccessRequests.REQUESTER;
import static dev.accessflow.workflows.testing.RequestWorkflowExtension.result;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AccessRequestGatewayTest {
  @RegisterExtension
  final RequestWorkflowExtension temporal = new RequestWorkflowExtension(new FakeDirectory()
      .withUser(REQUESTER, MANAGER).withUser(MANAGER, null).withUser(OWNER, null));

  private void approvedByAPersonAndExpired(AccessRequest request) {
    AccessRequestWorkflow workflow = temporal.submit(request);
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision(request.requestId() + "-ok", OWNER, Verdict.APPROVE, Channel.SLACK, null));
    assertThat(result(workflow).status()).isEqualTo(RequestStatus.EXPIRED);
  }

  @Test
  void approvedBeforeCountsOnlyGrantsPeopleApprovedForThisRequesterAppAndRoleThatRanToTheirEnd() {
    approvedByAPersonAndExpired(AccessRequests.grafanaAdmin("p1"));
    approvedByAPersonAndExpired(AccessRequests.grafanaAdmin("p2"));
    // Approved by policy (no route): not a person's approval.
    assertThat(result(temporal.submit(AccessRequests.withRoute("auto", List.of()))).status())
        .isEqualTo(RequestStatus.EXPIRED);
    // Break-glass, rejected by its review: never counts.
    AccessRequestWorkflow breakGlass = temporal.submit(AccessRequests.withRoute("bg", List.of(ApprovalStage.anyOf("review",
        List.of(OWNER)))).withPolicy(new RequestPolicy(List.of(), null, false, true, null)));
    AccessRequests.awaitStatus(breakGlass, RequestStatus.ACTIVE);
    breakGlass.decide(new Decision("bg-no", OWNER, Verdict.DENY, Channel.SLACK, "no incident"));
    assertThat(result(breakGlass).status()).isEqualTo(RequestStatus.REVOKED);
    // Another role of the same app.
    AccessRequest viewer = AccessRequests.grafanaAdmin("v1");
    approvedByAPersonAndExpired(new AccessRequest(viewer.requestId(), viewer.requester(), viewer.app(), "viewer",
        viewer.groups(), viewer.riskTier(), viewer.duration(), viewer.maxDuration(), viewer.reason(), viewer.source(),
        viewer.route(), viewer.approvalTimeout(), null, RequestPolicy.NONE, Map.of(), null));

    // A page of 2 makes the scan (this server has no visibility queries) read every page of the 5 closed requests.
    AccessRequestGateway gateway = new AccessRequestGateway(temporal.client(), RequestWorkflowExtension.QUEUE, 2);
    assertThat(gateway.approvedBefore(REQUESTER, "grafana", "admin")).isEqualTo(2);
    assertThat(gateway.approvedBefore(REQUESTER.toUpperCase(), "grafana", "viewer")).isEqualTo(1);
    assertThat(gateway.approvedBefore(OWNER, "grafana", "admin")).isZero();
  }
}
