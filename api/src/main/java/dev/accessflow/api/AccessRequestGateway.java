package dev.accessflow.api;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.UpdateOutcome;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The API's only door to Temporal: starts request workflows, sends them updates, reads their state. */
public final class AccessRequestGateway {
  private final WorkflowClient client;
  private final String taskQueue;

  public AccessRequestGateway(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /** A line of the recent-requests list. */
  public record RequestSummary(String requestId, String status, Instant startedAt, Instant closedAt) {}

  /** Starts the request's workflow; a request id already used is a 409. */
  public void start(AccessRequest request) {
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId(request.requestId()))
        .setTaskQueue(taskQueue)
        .setWorkflowIdReusePolicy(io.temporal.api.enums.v1.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(AccessflowTemporal.REQUESTER, request.requester())
            .set(AccessflowTemporal.APP, request.app())
            .set(AccessflowTemporal.ROLE, request.role())
            .set(AccessflowTemporal.STATUS, "SUBMITTED")
            .build())
        .setStaticSummary(request.requester() + " -> " + request.app() + " / " + request.role() + " for " + request.duration())
        .setStaticDetails("Reason: " + request.reason() + "\nSource: " + request.source() + "\nRisk: " + request.riskTier())
        .build());
    try {
      WorkflowClient.start(workflow::run, request);
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new ApiProblem(409, "request " + request.requestId() + " already exists", "requestId");
    }
  }

  public AccessRequestState state(String requestId) {
    try {
      return client.newWorkflowStub(AccessRequestWorkflow.class, AccessflowTemporal.workflowId(requestId)).state();
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        throw notFound(requestId);
      }
      throw e;
    }
  }

  public UpdateOutcome decide(String requestId, Decision decision) {
    return update(requestId, AccessflowTemporal.UPDATE_DECIDE, decision.eventId(), decision);
  }

  public UpdateOutcome extend(String requestId, Extension extension) {
    return update(requestId, AccessflowTemporal.UPDATE_EXTEND, extension.eventId(), extension);
  }

  public UpdateOutcome revoke(String requestId, Revocation revocation) {
    return update(requestId, AccessflowTemporal.UPDATE_REVOKE, revocation.eventId(), revocation);
  }

  /** The most recent requests, newest first (open and closed), through the basic visibility API every server has. */
  public List<RequestSummary> recent(int limit) {
    String namespace = client.getOptions().getNamespace();
    WorkflowTypeFilter type = WorkflowTypeFilter.newBuilder().setName(AccessflowTemporal.WORKFLOW_TYPE).build();
    var stub = client.getWorkflowServiceStubs().blockingStub();
    List<RequestSummary> found = new ArrayList<>();
    for (WorkflowExecutionInfo info : stub.listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
        .setNamespace(namespace).setMaximumPageSize(limit).setTypeFilter(type).build()).getExecutionsList()) {
      found.add(summary(info));
    }
    for (WorkflowExecutionInfo info : stub.listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
        .setNamespace(namespace).setMaximumPageSize(limit).setTypeFilter(type).build()).getExecutionsList()) {
      found.add(summary(info));
    }
    return found.stream()
        .filter(s -> s.requestId() != null)
        .sorted(Comparator.comparing(RequestSummary::startedAt).reversed())
        .limit(limit)
        .toList();
  }

  /**
   * How many earlier requests of this person for this app and role were approved and ran to their end
   * (EXPIRED or REVOKED), for the "approved N times before" auto-approval rule. Basic visibility: it
   * looks at the newest {@code CLOSED_SCAN} closed requests only.
   */
  public long approvedBefore(String requester, String app, String role) {
    String namespace = client.getOptions().getNamespace();
    WorkflowTypeFilter type = WorkflowTypeFilter.newBuilder().setName(AccessflowTemporal.WORKFLOW_TYPE).build();
    var stub = client.getWorkflowServiceStubs().blockingStub();
    return stub.listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
            .setNamespace(namespace).setMaximumPageSize(CLOSED_SCAN).setTypeFilter(type).build())
        .getExecutionsList().stream()
        .filter(info -> requester.equalsIgnoreCase(attribute(info, AccessflowTemporal.REQUESTER.getName()))
            && app.equals(attribute(info, AccessflowTemporal.APP.getName()))
            && role.equals(attribute(info, AccessflowTemporal.ROLE.getName())))
        .map(info -> attribute(info, AccessflowTemporal.STATUS.getName()))
        .filter(status -> "EXPIRED".equals(status) || "REVOKED".equals(status))
        .count();
  }

  static final int CLOSED_SCAN = 1000;

  private static String attribute(WorkflowExecutionInfo info, String name) {
    var payload = info.getSearchAttributes().getIndexedFieldsMap().get(name);
    return payload == null ? null : payload.getData().toStringUtf8().replace("\"", "").replace("[", "").replace("]", "");
  }

  private UpdateOutcome update(String requestId, String name, String eventId, Object argument) {
    WorkflowStub stub = client.newUntypedWorkflowStub(AccessflowTemporal.workflowId(requestId));
    // The resources always supply an event id (an Idempotency-Key or one they made up).
    String updateId = name + ":" + eventId;
    try {
      return stub.startUpdate(UpdateOptions.newBuilder(UpdateOutcome.class)
              .setUpdateName(name)
              .setUpdateId(updateId)
              .setWaitForStage(WorkflowUpdateStage.COMPLETED)
              .build(), argument)
          .getResult();
    } catch (WorkflowUpdateException e) {
      throw refusal(e);
    } catch (RuntimeException e) {
      if (e.getCause() instanceof WorkflowUpdateException update) {
        throw refusal(update);
      }
      if (isNotFound(e)) {
        throw closedOrMissing(requestId);
      }
      throw e;
    }
  }

  /** An update to a workflow that has ended looks like "not found" to Temporal: say which it is. */
  private ApiProblem closedOrMissing(String requestId) {
    AccessRequestState state = state(requestId); // throws the 404 when there is no such request
    return new ApiProblem(409, "request " + requestId + " is already " + state.status() + " and takes no more updates", null);
  }

  private static ApiProblem refusal(WorkflowUpdateException e) {
    String message = e.getCause() instanceof ApplicationFailure failure ? failure.getOriginalMessage() : e.getMessage();
    String[] refusal = AccessflowTemporal.parseRefusal(message);
    int status = switch (refusal[0]) {
      case AccessflowTemporal.REFUSED_NOT_ALLOWED -> 403;
      case AccessflowTemporal.REFUSED_CONFLICT -> 409;
      default -> 422;
    };
    return new ApiProblem(status, refusal[1], null);
  }

  private static boolean isNotFound(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WorkflowNotFoundException
          || (t instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.NOT_FOUND)) {
        return true;
      }
    }
    return false;
  }

  private static ApiProblem notFound(String requestId) {
    return new ApiProblem(404, "no access request with id " + requestId, "requestId");
  }

  private static RequestSummary summary(WorkflowExecutionInfo info) {
    String status = info.hasCloseTime() ? "CLOSED" : "OPEN";
    var attributes = info.getSearchAttributes().getIndexedFieldsMap();
    if (attributes.containsKey(AccessflowTemporal.STATUS.getName())) {
      String raw = attributes.get(AccessflowTemporal.STATUS.getName()).getData().toStringUtf8();
      status = raw.replace("\"", "").replace("[", "").replace("]", "");
    }
    return new RequestSummary(AccessflowTemporal.requestId(info.getExecution().getWorkflowId()), status,
        toInstant(info.getStartTime()), info.hasCloseTime() ? toInstant(info.getCloseTime()) : null);
  }

  private static Instant toInstant(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).atOffset(ZoneOffset.UTC).toInstant();
  }
}
