package dev.accessflow.bench;

import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads workflow histories straight from Temporal (the harness's own gRPC client) to count events
 * per request and estimate Temporal Cloud billable actions from them.
 */
final class Histories implements AutoCloseable {
  private final WorkflowServiceStubs service;

  Histories(String target) {
    service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
  }

  /** Events of one workflow run (all pages); empty when it does not exist. */
  List<HistoryEvent> events(String workflowId) {
    List<HistoryEvent> events = new ArrayList<>();
    ByteString token = ByteString.EMPTY;
    try {
      do {
        GetWorkflowExecutionHistoryResponse page = service.blockingStub().getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).setNextPageToken(token).build());
        events.addAll(page.getHistory().getEventsList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
    } catch (io.grpc.StatusRuntimeException notFound) {
      return List.of();
    }
    return events;
  }

  /**
   * Actions Temporal Cloud would bill, estimated from history: a workflow start, every activity
   * attempt, timers, signals, accepted updates, search-attribute upserts, markers (side effects,
   * local activities), child workflow starts, external signals, continue-as-new. Queries (the API's
   * GET) and rejected updates do not appear in history and are not counted.
   */
  static int billableActions(List<HistoryEvent> events) {
    int actions = 0;
    for (HistoryEvent e : events) {
      EventType type = e.getEventType();
      switch (type) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, EVENT_TYPE_TIMER_STARTED, EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
            EVENT_TYPE_MARKER_RECORDED, EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
            EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW -> actions++;
        case EVENT_TYPE_ACTIVITY_TASK_STARTED -> actions += Math.max(1, e.getActivityTaskStartedEventAttributes().getAttempt());
        default -> { }
      }
    }
    return actions;
  }

  /**
   * Every workflow the server knows of, open or closed: a visibility count where the server has
   * one (a real cluster), the deprecated open and closed lists where it does not (the test server
   * answers UNIMPLEMENTED to visibility queries).
   */
  int countWorkflows() {
    try {
      return (int) service.blockingStub().countWorkflowExecutions(
          io.temporal.api.workflowservice.v1.CountWorkflowExecutionsRequest.newBuilder().setNamespace("default")
              .build()).getCount();
    } catch (io.grpc.StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.UNIMPLEMENTED) {
        throw e;
      }
    }
    return countByLegacyLists();
  }

  private int countByLegacyLists() {
    int count = 0;
    ByteString token = ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse page = service.blockingStub().listOpenWorkflowExecutions(
          ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace("default").setMaximumPageSize(1000)
              .setNextPageToken(token).build());
      count += page.getExecutionsCount();
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    token = ByteString.EMPTY;
    do {
      ListClosedWorkflowExecutionsResponse page = service.blockingStub().listClosedWorkflowExecutions(
          ListClosedWorkflowExecutionsRequest.newBuilder().setNamespace("default").setMaximumPageSize(1000)
              .setNextPageToken(token).build());
      count += page.getExecutionsCount();
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return count;
  }

  /**
   * Cost per request over a sample: the request workflow's own events and activities (the targets:
   * at most 60 and 10 for a one-stage request through expiry), its removal workflow if it needed
   * one, and its membership workflow, each reported apart; billable actions over all three.
   */
  Map<String, Object> sample(List<Load.Sent> sent, int size) {
    List<Double> events = new ArrayList<>();
    List<Double> activities = new ArrayList<>();
    List<Double> removalEvents = new ArrayList<>();
    List<Double> membershipEvents = new ArrayList<>();
    List<Double> actions = new ArrayList<>();
    List<Load.Sent> approved = sent.stream().filter(Load.Sent::approved).toList();
    int step = Math.max(1, approved.size() / Math.max(1, size));
    for (int i = 0; i < approved.size() && events.size() < size; i += step) {
      Load.Sent s = approved.get(i);
      List<HistoryEvent> request = events("access-request-" + s.id);
      List<HistoryEvent> removal = events("membership-removal-" + s.id + "-end");
      List<HistoryEvent> membership = events("group-membership-" + Cluster.GROUP + "-" + OktaStub.login(s.n));
      if (request.isEmpty()) {
        continue;
      }
      events.add((double) request.size());
      activities.add((double) request.stream()
          .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
              || e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED).count()); // local activities too
      removalEvents.add((double) removal.size());
      membershipEvents.add((double) membership.size());
      actions.add((double) billableActions(request) + billableActions(removal) + billableActions(membership));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("historyEventsPerRequest", Stats.of(events));
    out.put("activitiesPerRequest", Stats.of(activities));
    out.put("removalWorkflowEventsPerRequest", Stats.of(removalEvents));
    out.put("membershipWorkflowEventsPerRequest", Stats.of(membershipEvents));
    out.put("billableActionsPerRequestEstimate", Stats.of(actions));
    return out;
  }

  /**
   * Where the slowest decisions waited: for each of the {@code count} slowest, the request
   * workflow's events from 5 s before the decision was sent to its acceptance, each as "+ms TYPE"
   * relative to the moment the harness sent it (workflow task timeouts or failures show here).
   */
  List<String> slowestDecisions(List<Load.Sent> sent, int count) {
    List<String> out = new ArrayList<>();
    long firstMs = sent.stream().filter(s -> s.createdAt != null).mapToLong(s -> s.createdAt.toEpochMilli()).min().orElse(0);
    out.add("over 5 s, sent at (s into the run): " + sent.stream()
        .filter(s -> s.decisionStatus == 200 && s.decisionSentAt != null && s.decisionMicros > 5_000_000)
        .map(s -> (s.decisionSentAt.toEpochMilli() - firstMs) / 1000).sorted().toList());
    sent.stream().filter(s -> s.decisionStatus == 200 && s.decisionSentAt != null)
        .sorted(Comparator.comparingLong((Load.Sent s) -> s.decisionMicros).reversed()).limit(count)
        .forEach(s -> {
          long sentMs = s.decisionSentAt.toEpochMilli();
          StringBuilder line = new StringBuilder(s.id + " (sent " + (sentMs - firstMs) / 1000 + " s into the run) decision "
              + s.decisionMicros / 1000 + " ms:");
          for (HistoryEvent e : events("access-request-" + s.id)) {
            long at = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000 - sentMs;
            if (at >= -5000 && at <= s.decisionMicros / 1000 + 1000) {
              line.append(' ').append(at >= 0 ? "+" : "").append(at).append(' ')
                  .append(e.getEventType().name().replace("EVENT_TYPE_", ""));
            }
          }
          out.add(line.toString());
        });
    return out;
  }

  /**
   * Where the slowest removals after an outage waited: the request's and membership workflow's events
   * (and the removal workflow's, if any) from 3 s before the fault ended to the removal, in ms from its end.
   */
  List<String> slowestRecoveries(List<Ledger.Recovery> recoveries, int count) {
    List<String> out = new ArrayList<>();
    for (Ledger.Recovery r : recoveries.subList(0, Math.min(count, recoveries.size()))) {
      long endMs = r.faultEnd().toEpochMilli();
      StringBuilder line = new StringBuilder(r.sent().id + " removed " + Math.round(r.lateMs()) + " ms after the fault:");
      for (String id : List.of("access-request-" + r.sent().id, "group-membership-" + Cluster.GROUP + "-"
          + OktaStub.login(r.sent().n), "membership-removal-" + r.sent().id + "-end")) {
        line.append(" [").append(id.startsWith("access") ? "request" : id.startsWith("group") ? "membership" : "removal")
            .append(']');
        for (HistoryEvent e : events(id)) {
          long at = e.getEventTime().getSeconds() * 1000 + e.getEventTime().getNanos() / 1_000_000 - endMs;
          if (at >= -3000 && at <= r.lateMs() + 500) {
            line.append(' ').append(at >= 0 ? "+" : "").append(at).append(' ')
                .append(e.getEventType().name().replace("EVENT_TYPE_", ""));
          }
        }
      }
      out.add(line.toString());
    }
    return out;
  }

  @Override
  public void close() {
    service.shutdownNow();
  }
}
