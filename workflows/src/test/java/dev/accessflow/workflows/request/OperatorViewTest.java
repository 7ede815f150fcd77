package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static dev.accessflow.workflows.testing.AccessRequests.OWNER;
import static dev.accessflow.workflows.testing.AccessRequests.REQUESTER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.Histories;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an operator sees of a request in the Temporal UI: search attributes to find it by (ticket,
 * approvers, removal overdue), a summary on the expiry timer and on the activities that change the
 * IdP, and current details; and the expiry timer cancelled, not left behind, when a revoke ends it.
 */
class OperatorViewTest {
  @RegisterExtension
  final RequestWorkflowExtension temporal = new RequestWorkflowExtension(new FakeDirectory()
      .withUser(REQUESTER, MANAGER).withUser(MANAGER, null).withUser(OWNER, null));

  @Test
  void aGrantIsFoundByItsTicketAndApproversAndItsTimerAndActivitiesSayWhatTheyDo() {
    WorkflowClient client = temporal.client();
    AccessRequestWorkflow workflow = AccessRequests.start(client, RequestWorkflowExtension.QUEUE,
        AccessRequests.grafanaAdmin("ui1"));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    SearchAttributes pending = attributes(workflow);
    assertThat(pending.get(AccessflowTemporal.APPROVERS)).containsExactly(MANAGER, OWNER);
    assertThat(pending.get(AccessflowTemporal.REMOVAL_OVERDUE)).isFalse();
    assertThat(currentDetails(workflow)).startsWith("PENDING_APPROVAL - waiting for").contains(MANAGER, OWNER);
    workflow.decide(new Decision("ui1-e1", OWNER, Verdict.APPROVE, Channel.SLACK, "ok"));
    AccessRequestState active = AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);

    SearchAttributes granted = attributes(workflow);
    assertThat(granted.get(AccessflowTemporal.TICKET_KEY)).isEqualTo("ACC-ui1");
    assertThat(granted.get(AccessflowTemporal.STATUS)).isEqualTo("ACTIVE");
    assertThat(granted.get(AccessflowTemporal.BREAK_GLASS_REVIEW)).isNull();
    assertThat(currentDetails(workflow)).isEqualTo("ACTIVE until " + active.expiresAt());

    assertThat(workflow.revoke(new Revocation("ui1-v1", REQUESTER, Channel.REST, "done")).status())
        .isEqualTo(RequestStatus.REVOKING);
    assertThat(RequestWorkflowExtension.result(workflow).status()).isEqualTo(RequestStatus.REVOKED);

    List<HistoryEvent> history = history(client, "ui1");
    assertThat(summaries(history, EventType.EVENT_TYPE_TIMER_STARTED))
        .contains("expiry: remove " + REQUESTER + " from 00g-grafana-admins, 00g-prod-readers at " + active.expiresAt());
    assertThat(summaries(history, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED))
        .contains("add " + REQUESTER + " to 00g-grafana-admins, 00g-prod-readers")
        .anyMatch(s -> s.startsWith("remove " + REQUESTER + " from 00g-grafana-admins, 00g-prod-readers"));
    // The revoke came first: the expiry's timer is cancelled, not left to fire 24 h later.
    assertThat(history).anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_CANCELED);
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("ui1"), "revoked-with-operator-attributes");
  }

  @Test
  void aRemovalThatIsNotGoingThroughIsMarkedOverdueUntilTheIdpConfirmsIt() {
    WorkflowClient client = temporal.client();
    AccessRequestWorkflow workflow = AccessRequests.start(client, RequestWorkflowExtension.QUEUE,
        AccessRequests.grafanaAdmin("ui2"));
    AccessRequests.awaitStatus(workflow, RequestStatus.PENDING_APPROVAL);
    workflow.decide(new Decision("ui2-e1", MANAGER, Verdict.APPROVE, Channel.SLACK, "ok"));
    AccessRequests.awaitStatus(workflow, RequestStatus.ACTIVE);
    temporal.directory.failNextRemovals(2 * 6 * 2 + 3);

    assertThat(RequestWorkflowExtension.result(workflow).status()).isEqualTo(RequestStatus.EXPIRED);
    List<String> overdue = history(client, "ui2").stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
        .map(e -> e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes().getIndexedFieldsMap()
            .get("AccessRemovalOverdue"))
        .filter(java.util.Objects::nonNull).map(p -> p.getData().toStringUtf8()).toList();
    assertThat(overdue).containsExactly("true", "false");
    assertThat(attributes(workflow).get(AccessflowTemporal.REMOVAL_OVERDUE)).isFalse();
    Histories.recordIfAsked(client, AccessflowTemporal.workflowId("ui2"), "removal-overdue-with-operator-attributes");
  }

  /** What the UI shows as the current details, from the SDK's built-in metadata query. */
  private static String currentDetails(AccessRequestWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).query("__temporal_workflow_metadata",
        io.temporal.api.sdk.v1.WorkflowMetadata.class).getCurrentDetails();
  }

  private static SearchAttributes attributes(AccessRequestWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).describe().getTypedSearchAttributes();
  }

  private static List<HistoryEvent> history(WorkflowClient client, String requestId) {
    return client.fetchHistory(AccessflowTemporal.workflowId(requestId)).getHistory().getEventsList();
  }

  private static List<String> summaries(List<HistoryEvent> history, EventType type) {
    return history.stream().filter(e -> e.getEventType() == type && e.hasUserMetadata())
        .map(e -> e.getUserMetadata().getSummary().getData().toStringUtf8().replaceAll("^\"|\"$", "")).toList();
  }
}
