package dev.accessflow.workflows.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxTest {
  @WorkflowInterface
  public interface OutboxProbe {
    @WorkflowMethod
    List<String> run();
  }

  /** Posts, drains, and posts again, as a late update handler does after the request's main path drained. */
  public static final class OutboxProbeImpl implements OutboxProbe {
    @Override
    public List<String> run() {
      List<String> delivered = new ArrayList<>();
      Outbox outbox = new Outbox(error -> delivered.add("undeliverable: " + error));
      outbox.post(() -> {
        Workflow.sleep(Duration.ofSeconds(1));
        delivered.add("first");
      });
      outbox.post(() -> delivered.add("second"));
      outbox.closeAndAwait();
      outbox.post(() -> delivered.add("after the drain"));
      outbox.closeAndAwait();
      return delivered;
    }
  }

  private TestWorkflowEnvironment env;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker("outbox");
    worker.registerWorkflowImplementationTypes(OutboxProbeImpl.class);
    env.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void anItemPostedAfterTheOutboxDrainedIsStillDeliveredInOrder() {
    OutboxProbe probe = env.getWorkflowClient().newWorkflowStub(OutboxProbe.class, WorkflowOptions.newBuilder()
        .setTaskQueue("outbox").setWorkflowExecutionTimeout(Duration.ofMinutes(5)).build());
    assertThat(probe.run()).containsExactly("first", "second", "after the drain");
  }
}
