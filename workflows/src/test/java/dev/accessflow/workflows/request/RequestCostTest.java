package dev.accessflow.workflows.request;

import static dev.accessflow.workflows.testing.AccessRequests.MANAGER;
import static dev.accessflow.workflows.testing.AccessRequests.OWNER;
import static dev.accessflow.workflows.testing.AccessRequests.REQUESTER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.RequestPolicy;
import dev.accessflow.workflows.model.RequestStatus;
import dev.accessflow.workflows.model.StageTimings;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.testing.AccessRequests;
import dev.accessflow.workflows.testing.FakeDirectory;
import dev.accessflow.workflows.testing.RequestWorkflowExtension;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What one request costs in Temporal: history events (replay work, storage) and activities
 * (billable actions). Started as the intake starts it, with the search attributes set at start and
 * the requester's IdP profile already read.
 */
class RequestCostTest {
  /** Budget of a one-stage request through expiry, its membership workflow not counted. */
  static final int MAX_EVENTS = 60;
  static final int MAX_ACTIVITIES = 10;

  @RegisterExtension
  final RequestWorkflowExtension temporal = new RequestWorkflowExtension(new FakeDirectory()
      .withUser(REQUESTER, MANAGER).withUser(MANAGER, null).withUser(OWNER, null));

  private AccessRequestWorkflow startAsTheIntakeDoes(AccessRequest request) {
    AccessRequestWorkflow workflow = temporal.client().newWorkflowStub(AccessRequestWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(AccessflowTemporal.workflowId(request.requestId()))
            .setTaskQueue(RequestWorkflowExtension.QUEUE)
            .setTypedSearchAttributes(AccessflowTemporal.startAttributes(request))
            .build());
    WorkflowClient.start(workflow::run, request.withRequesterProfile(temporal.directory.resolveUser(request.requester())));
    return workflow;
  }

  private List<HistoryEvent> throughExpiry(AccessRequest request) {
    AccessRequestWorkflow workflow = startAsTheIntakeDoes(request);
    // The approver clicks once asked. Not a status poll: on the test server every query of a
    // workflow without a cached copy leaves an empty workflow task (3 events) in its history.
    AccessRequests.awaitTrue("the approvers were asked", () -> !temporal.chat.prompts().isEmpty());
    workflow.decide(new Decision("slack-1", OWNER, Verdict.APPROVE, Channel.SLACK, "ok"));
    AccessRequestState done = RequestWorkflowExtension.result(workflow);
    assertThat(done.status()).isEqualTo(RequestStatus.EXPIRED);
    return temporal.client().fetchHistory(AccessflowTemporal.workflowId(request.requestId())).getHistory().getEventsList();
  }

  /** Activities and local activities (a local activity is a marker in history, and a billable action too). */
  private static long activities(List<HistoryEvent> events) {
    return count(events, EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) + count(events, EventType.EVENT_TYPE_MARKER_RECORDED);
  }

  private static long count(List<HistoryEvent> events, EventType type) {
    return events.stream().filter(e -> e.getEventType() == type).count();
  }

  @Test
  void aOneStageRequestThroughExpiryStaysWithinItsBudgetAndNeedsNoRemovalWorkflow() {
    List<HistoryEvent> events = throughExpiry(AccessRequests.grafanaAdmin("cost-1"));

    long activities = activities(events);
    System.out.printf("one-stage request through expiry: %d history events, %d activities%n", events.size(), activities);
    assertThat(events).hasSizeLessThanOrEqualTo(MAX_EVENTS);
    assertThat(activities).isLessThanOrEqualTo(MAX_ACTIVITIES);
    // The IdP confirmed the removal at once: no removal workflow was needed.
    assertThat(count(events, EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).isZero();
  }

  @Test
  void theEndsSoonWarningStaysWithinTheBudgetToo() {
    AccessRequest request = AccessRequests.grafanaAdmin("cost-2")
        .withPolicy(new RequestPolicy(List.of(), null, false, false, StageTimings.DEFAULT, Duration.ofHours(1)));

    List<HistoryEvent> events = throughExpiry(request);

    long activities = activities(events);
    System.out.printf("one-stage request through expiry, warned 1 h before: %d history events, %d activities%n",
        events.size(), activities);
    assertThat(events).hasSizeLessThanOrEqualTo(MAX_EVENTS);
    assertThat(activities).isLessThanOrEqualTo(MAX_ACTIVITIES);
  }
}
