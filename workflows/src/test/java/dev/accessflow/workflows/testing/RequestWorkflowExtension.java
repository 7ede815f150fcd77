package dev.accessflow.workflows.testing;

import dev.accessflow.workflows.ports.NoticeDelivery;
import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.request.AccessRequestWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One time-skipping test server per test, with accessflow's workflows, search attributes and the
 * in-memory ports registered: {@code @RegisterExtension final RequestWorkflowExtension temporal = new ...}.
 */
public final class RequestWorkflowExtension implements BeforeEachCallback, AfterEachCallback {
  public static final String QUEUE = "test-" + AccessflowTemporal.DEFAULT_TASK_QUEUE;

  public final FakeDirectory directory;
  public final RecordingTickets tickets = new RecordingTickets();
  public final RecordingChat chat = new RecordingChat();
  public final RecordingLedger ledger = new RecordingLedger();
  private TestWorkflowEnvironment env;

  public RequestWorkflowExtension(FakeDirectory directory) {
    this.directory = directory;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    env = TestWorkflowEnvironment.newInstance();
    registerSearchAttributes(env);
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(directory, new DirectLeases(directory), new NoticeDelivery(tickets, chat, ledger));
    env.start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    env.close();
  }

  /** Registers accessflow's search attributes on a test server (a real cluster gets them from the setup job). */
  public static void registerSearchAttributes(TestWorkflowEnvironment env) {
    for (var key : AccessflowTemporal.SEARCH_ATTRIBUTES) {
      env.registerSearchAttribute(key.getName(), key.getValueType());
    }
  }

  public TestWorkflowEnvironment env() {
    return env;
  }

  public WorkflowClient client() {
    return env.getWorkflowClient();
  }

  public AccessRequestWorkflow submit(AccessRequest request) {
    return AccessRequests.start(client(), QUEUE, request);
  }

  /** Blocks until the request's workflow ends; the test server skips time while it waits. */
  public static AccessRequestState result(AccessRequestWorkflow workflow) {
    return WorkflowStub.fromTyped(workflow).getResult(AccessRequestState.class);
  }
}
