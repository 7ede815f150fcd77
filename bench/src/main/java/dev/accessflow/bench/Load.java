package dev.accessflow.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Paced load through the public REST interface: at {@code rate} per second, a new requester asks
 * for the bench role for a random duration in the spread, then an approver decides. Every 20th
 * request is denied, so a membership the IdP sees for a denied request shows up as "wrong".
 */
final class Load {
  /** How decisions are delivered. */
  enum Deliveries {
    /** One approval (or denial) per request. */
    ONCE,
    /** Each approval three times with the same Idempotency-Key, and a second approver at the same moment. */
    DUPLICATED
  }

  /** One request as the harness drove it. */
  static final class Sent {
    final int n;
    final int durationSeconds;
    final boolean deny;
    volatile String id;
    volatile Instant createdAt;
    volatile long createMicros;
    volatile int createStatus;
    volatile Instant decisionSentAt;
    volatile long decisionMicros;
    volatile int decisionStatus;
    /** Statuses of every decision delivery (duplicates included). */
    final List<Integer> deliveryStatuses = new ArrayList<>();
    volatile String error;
    /** Sent before the measured run to warm the JVMs: checked like any other, left out of the latencies. */
    volatile boolean warmup;

    Sent(int n, int durationSeconds, boolean deny) {
      this.n = n;
      this.durationSeconds = durationSeconds;
      this.deny = deny;
    }

    boolean approved() {
      return !deny && decisionStatus == 200;
    }
  }

  private final Api api;
  private final Deliveries deliveries;
  /**
   * Decide only once the approvers have been asked (status PENDING_APPROVAL), as a person would;
   * false sends the decision the moment the create returns (see README: a decision that arrives
   * before the requester is resolved can wedge the workflow on the test server).
   */
  private final boolean waitForPending;
  private final ExecutorService pool = Executors.newFixedThreadPool(256);

  Load(Api api, Deliveries deliveries, boolean waitForPending) {
    this.api = api;
    this.deliveries = deliveries;
    this.waitForPending = waitForPending;
  }

  /** Sends {@code count} requests at {@code rate}/s, numbering requesters from {@code firstUser}; returns when all are decided. */
  List<Sent> run(double rate, int count, int minSeconds, int maxSeconds, int firstUser, long seed) {
    Random random = new Random(seed);
    List<Sent> sent = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      int n = firstUser + i;
      Sent s = new Sent(n, minSeconds + random.nextInt(maxSeconds - minSeconds + 1), i % 20 == 19);
      sent.add(s);
      long due = start + (long) (i * 1e9 / rate);
      long wait = due - System.nanoTime();
      if (wait > 0) {
        JavaProcess.pause(TimeUnit.NANOSECONDS.toMillis(wait));
      }
      pool.execute(() -> {
        try {
          drive(s);
        } catch (RuntimeException e) {
          s.error = e.toString();
        } finally {
          done.countDown();
        }
      });
    }
    try {
      done.await(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return sent;
  }

  private void drive(Sent s) {
    s.createdAt = Instant.now();
    Api.Reply created = api.create(OktaStub.login(s.n), Cluster.APP, Cluster.ROLE, "PT" + s.durationSeconds + "S",
        "bench load " + s.n);
    s.createMicros = created.micros();
    s.createStatus = created.status();
    if (created.status() != 201) {
      s.error = "create answered " + created.status() + ": " + created.raw();
      return;
    }
    s.id = created.text("requestId");
    if (waitForPending) {
      awaitPending(s);
    }
    String verdict = s.deny ? "DENY" : "APPROVE";
    s.decisionSentAt = Instant.now();
    if (deliveries == Deliveries.ONCE) {
      Api.Reply decided = api.decide(s.id, verdict, Cluster.APPROVER, "bench-" + s.n);
      record(s, decided);
      return;
    }
    // Three deliveries of one click (same key) and a second channel (another approver, its own key), all at once.
    CountDownLatch go = new CountDownLatch(1);
    List<java.util.concurrent.Future<Api.Reply>> replies = new ArrayList<>();
    ExecutorService burst = Executors.newFixedThreadPool(4);
    try {
      for (int copy = 0; copy < 4; copy++) {
        boolean second = copy == 3;
        replies.add(burst.submit(() -> {
          go.await();
          return api.decide(s.id, verdict, second ? Cluster.SECOND_APPROVER : Cluster.APPROVER,
              second ? "other-channel-" + s.n : "click-" + s.n);
        }));
      }
      go.countDown();
      for (var future : replies) {
        Api.Reply reply = future.get();
        synchronized (s.deliveryStatuses) {
          s.deliveryStatuses.add(reply.status());
        }
        if (reply.status() == 200 && s.decisionStatus != 200) {
          record(s, reply);
        } else if (s.decisionStatus == 0) {
          record(s, reply);
        }
      }
    } catch (Exception e) {
      s.error = e.toString();
    } finally {
      burst.shutdown();
    }
  }

  private void awaitPending(Sent s) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    // Each GET is a query (a replay on the worker with sticky execution off): poll gently.
    JavaProcess.pause(500);
    while (System.nanoTime() < deadline) {
      Api.Reply state = api.state(s.id);
      if (state.status() == 200 && !"SUBMITTED".equals(state.text("status"))) {
        return;
      }
      JavaProcess.pause(500);
    }
  }

  private static void record(Sent s, Api.Reply decided) {
    s.decisionMicros = decided.micros();
    s.decisionStatus = decided.status();
    s.error = decided.status() == 200 ? null : "decision answered " + decided.status() + ": " + decided.raw();
  }

  void close() {
    pool.shutdownNow();
  }
}
