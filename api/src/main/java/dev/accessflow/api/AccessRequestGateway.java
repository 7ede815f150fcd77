package dev.accessflow.api;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.model.UpdateOutcome;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowType;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
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

  private final int scanPageSize;

  public AccessRequestGateway(WorkflowClient client, String taskQueue) {
    this(client, taskQueue, 1000);
  }

  /** @param scanPageSize page size of the closed-request scan where visibility has no query language */
  AccessRequestGateway(WorkflowClient client, String taskQueue, int scanPageSize) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.scanPageSize = scanPageSize;
  }

  /** A line of the recent-requests list. */
  public record RequestSummary(String requestId, String status, Instant startedAt, Instant closedAt) {}

  /** Starts the request's workflow; a request id already used is a 409. */
  public void start(AccessRequest request) {
    AccessRequestWorkflow workflow = client.newWorkflowStub(AccessRequestWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.workflowId(request.requestId()))
        .setTaskQueue(taskQueue)
        .setWorkflowIdReusePolicy(io.temporal.api.enums.v1.WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setTypedSearchAttributes(AccessflowTemporal.startAttributes(request))
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
   * How many earlier grants of this app and role to this person were approved by people and ran to
   * their end (EXPIRED or REVOKED), for the "approved N times before" auto-approval rule. Grants
   * approved by policy and break-glass grants (reviewed or rejected) never count. A cluster with
   * advanced visibility answers with one count query; on the test server (basic visibility, no
   * search attributes in lists) every closed request of the namespace is listed and described.
   */
  public long approvedBefore(String requester, String app, String role) {
    var stub = client.getWorkflowServiceStubs().blockingStub();
    String namespace = client.getOptions().getNamespace();
    try {
      return stub.countWorkflowExecutions(CountWorkflowExecutionsRequest.newBuilder().setNamespace(namespace)
          .setQuery("WorkflowType = '" + AccessflowTemporal.WORKFLOW_TYPE + "'"
              + " AND " + AccessflowTemporal.REQUESTER.getName() + " = '" + quoted(requester) + "'"
              + " AND " + AccessflowTemporal.APP.getName() + " = '" + quoted(app) + "'"
              + " AND " + AccessflowTemporal.ROLE.getName() + " = '" + quoted(role) + "'"
              + " AND " + AccessflowTemporal.APPROVED_BY.getName() + " = '" + AccessflowTemporal.APPROVED_BY_PEOPLE + "'"
              + " AND " + AccessflowTemporal.STATUS.getName() + " IN ('EXPIRED', 'REVOKED')")
          .build()).getCount();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED && e.getStatus().getCode() != Status.Code.INVALID_ARGUMENT) {
        throw e;
      }
    }
    WorkflowTypeFilter type = WorkflowTypeFilter.newBuilder().setName(AccessflowTemporal.WORKFLOW_TYPE).build();
    long count = 0;
    ByteString page = ByteString.EMPTY;
    do {
      var reply = stub.listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
          .setNamespace(namespace).setMaximumPageSize(scanPageSize).setTypeFilter(type).setNextPageToken(page).build());
      for (WorkflowExecutionInfo listed : reply.getExecutionsList()) {
        // Basic visibility may list executions without their search attributes: describe reads them.
        WorkflowExecutionInfo info = listed.getSearchAttributes().getIndexedFieldsCount() > 0 ? listed
            : stub.describeWorkflowExecution(DescribeWorkflowExecutionRequest.newBuilder().setNamespace(namespace)
                .setExecution(listed.getExecution()).build()).getWorkflowExecutionInfo();
        String status = attribute(info, AccessflowTemporal.STATUS.getName());
        if (requester.equalsIgnoreCase(attribute(info, AccessflowTemporal.REQUESTER.getName()))
            && app.equals(attribute(info, AccessflowTemporal.APP.getName()))
            && role.equals(attribute(info, AccessflowTemporal.ROLE.getName()))
            && AccessflowTemporal.APPROVED_BY_PEOPLE.equals(attribute(info, AccessflowTemporal.APPROVED_BY.getName()))
            && ("EXPIRED".equals(status) || "REVOKED".equals(status))) {
          count++;
        }
      }
      page = reply.getNextPageToken();
    } while (!page.isEmpty());
    return count;
  }

  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("'", "\\'");
  }

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
