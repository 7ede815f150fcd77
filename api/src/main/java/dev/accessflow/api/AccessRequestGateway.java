package dev.accessflow.api;

import dev.accessflow.workflows.ports.LogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.accessflow.ledger.LedgerQueries;
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
import io.temporal.client.UpdateOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.failure.ApplicationFailure;

/**
 * The API's only door to Temporal: starts request workflows, sends them updates, reads their state.
 * Reads across requests (lists, counts) come from the ledger, never from Temporal visibility.
 */
public final class AccessRequestGateway {
  private final WorkflowClient client;
  private final String taskQueue;

  private final LedgerQueries ledger;

  /** @param ledger answers for a request whose workflow Temporal no longer keeps (past the namespace's retention) */
  private static final Logger log = LoggerFactory.getLogger(AccessRequestGateway.class);

  public AccessRequestGateway(WorkflowClient client, String taskQueue, LedgerQueries ledger) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.ledger = ledger;
  }

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
    try (LogContext ignored = LogContext.of(request.requestId(), AccessflowTemporal.workflowId(request.requestId()),
        request.ticketKey())) {
      WorkflowClient.start(workflow::run, request);
      log.info("request {} started: {} asks for {} / {} for {} (from {})", request.requestId(), request.requester(),
          request.app(), request.role(), request.duration(), request.source());
    } catch (WorkflowExecutionAlreadyStarted e) {
      throw new ApiProblem(409, "request " + request.requestId() + " already exists", "requestId");
    }
  }

  /** The request's state: from its workflow while Temporal keeps it, from the ledger after; 404 when neither knows it. */
  public AccessRequestState state(String requestId) {
    try {
      return client.newWorkflowStub(AccessRequestWorkflow.class, AccessflowTemporal.workflowId(requestId)).state();
    } catch (RuntimeException e) {
      if (isNotFound(e)) {
        return ledger.state(requestId).orElseThrow(() -> notFound(requestId));
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

  private UpdateOutcome update(String requestId, String name, String eventId, Object argument) {
    try (LogContext ignored = LogContext.of(requestId, AccessflowTemporal.workflowId(requestId), null)) {
      UpdateOutcome outcome = sendUpdate(requestId, name, eventId, argument);
      log.info("request {}: {} answered {}", requestId, name, outcome.status());
      return outcome;
    }
  }

  private UpdateOutcome sendUpdate(String requestId, String name, String eventId, Object argument) {
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
}
