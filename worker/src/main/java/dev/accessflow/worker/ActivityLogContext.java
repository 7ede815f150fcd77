package dev.accessflow.worker;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.Membership;
import dev.accessflow.workflows.model.NoticeBatch;
import dev.accessflow.workflows.ports.LogContext;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;

/**
 * Every log line an activity writes names the workflow it works for, the access request and, where
 * the activity's input carries it, the ticket (the Temporal SDK adds its own WorkflowId and
 * ActivityType keys beside them).
 */
final class ActivityLogContext extends WorkerInterceptorBase {
  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        String workflowId = context.getInfo().getWorkflowId();
        String requestId = AccessflowTemporal.requestId(workflowId);
        String ticketKey = null;
        for (Object argument : input.getArguments()) {
          if (argument instanceof NoticeBatch batch) {
            requestId = batch.requestId();
            ticketKey = batch.ticketKey();
          } else if (argument instanceof Membership membership && requestId == null) {
            requestId = membership.requestId();
          }
        }
        try (LogContext ignored = LogContext.of(requestId, workflowId, ticketKey)) {
          return super.execute(input);
        }
      }
    };
  }
}
