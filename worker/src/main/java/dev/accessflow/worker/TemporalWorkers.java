package dev.accessflow.worker;

import dev.accessflow.workflows.ports.NoticeDelivery;
import dev.accessflow.activities.leases.TemporalMembershipLeases;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.ports.AccessLedger;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.ApprovalChat;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.dropwizard.lifecycle.Managed;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;

/** The Temporal worker of this replica: the access request and group membership workflows, and their ports. */
public final class TemporalWorkers implements Managed {
  /**
   * Activity slots of the main queue. Its lease activities mostly wait on a membership workflow (a
   * whole batch of IdP retries while the IdP is down), so slots, not CPU, run out first: with
   * Temporal's default of 200, an outage with more grants and removals waiting than that queued
   * every new removal and notice behind them until it ended (bench idp-down, 2026-12-02).
   */
  static final int MAIN_ACTIVITY_SLOTS = 1_000;
  /** Activity slots of the IdP queue: while the IdP is down its calls are held in the outage gate for seconds each. */
  static final int IDP_ACTIVITY_SLOTS = 500;

  private final WorkerFactory factory;

  /**
   * @param stickyOff true on the Temporal test server, which never moves tasks off a dead
   *     worker's sticky queue (a restarted worker would strand its workflows)
   * @param more further activity implementations of the main queue (the inventory's)
   */
  public TemporalWorkers(WorkflowClient client, String taskQueue, boolean stickyOff, IdentityProvider idp,
      AccessTickets tickets, ApprovalChat chat, AccessLedger ledger, AccessflowMetrics metrics, Object... more) {
    this.factory = WorkerFactory.newInstance(client, io.temporal.worker.WorkerFactoryOptions.newBuilder()
        .setWorkerInterceptors(new ActivityLogContext()).build());
    WorkerOptions.Builder options = WorkerOptions.newBuilder();
    if (stickyOff) {
      options.setStickyQueueScheduleToStartTimeout(Duration.ZERO);
    }
    Worker worker = factory.newWorker(taskQueue,
        WorkerOptions.newBuilder(options.build()).setMaxConcurrentActivityExecutionSize(MAIN_ACTIVITY_SLOTS).build());
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(idp, new TemporalMembershipLeases(client, taskQueue),
        new NoticeDelivery(tickets, chat, ledger, metrics));
    // The inventory's activities (when it is kept): they list the IdP, so they share its outage gate, not its queue.
    if (more.length > 0) {
      worker.registerActivitiesImplementations(more);
    }
    // The membership workflows' IdP calls, apart from the lease activities that wait on them.
    factory.newWorker(AccessflowTemporal.idpTaskQueue(taskQueue),
        WorkerOptions.newBuilder(options.build()).setMaxConcurrentActivityExecutionSize(IDP_ACTIVITY_SLOTS).build())
        .registerActivitiesImplementations(idp);
  }

  @Override
  public void start() {
    try {
      factory.start();
    } catch (io.grpc.StatusRuntimeException e) {
      // The first call to the cluster: a wrong address, CA, certificate or API key shows here.
      String target = factory.getWorkflowClient().getWorkflowServiceStubs().getOptions().getTarget();
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new IllegalStateException("Temporal at " + target + " did not take the worker's first call ("
          + e.getStatus().getCode() + ": " + root.getClass().getSimpleName()
          + (root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("")) + ");"
          + " check TEMPORAL_ADDRESS and, for a cluster with TLS, TEMPORAL_TLS, TEMPORAL_TLS_CA_CERT,"
          + " the client certificate or TEMPORAL_API_KEY (README \"Temporal Cloud and TLS\")", e);
    }
  }

  @Override
  public void stop() {
    factory.shutdown();
    factory.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
  }
}
