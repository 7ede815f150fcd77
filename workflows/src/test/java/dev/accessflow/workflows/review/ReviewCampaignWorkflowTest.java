package dev.accessflow.workflows.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.AccessflowTemporal;
import dev.accessflow.workflows.model.ReviewPass;
import dev.accessflow.workflows.model.ReviewRun;
import dev.accessflow.workflows.ports.ReviewWork;
import dev.accessflow.workflows.testing.Await;
import dev.accessflow.workflows.testing.Histories;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A review campaign on the time-skipping test server, its activities played by an in-memory ledger. */
class ReviewCampaignWorkflowTest {
  private static final String QUEUE = "review-test";
  private static final String REVIEW = "rv-q1";
  private static final Duration DUE_IN = Duration.ofDays(14);
  private static final Duration REMIND_EVERY = Duration.ofDays(3);
  private static final Duration GRACE = Duration.ofDays(3);

  private TestWorkflowEnvironment env;
  private FakeReview review;
  private String firstRunId;

  private void start(int items, String unreviewed) {
    env = TestWorkflowEnvironment.newInstance();
    review = new FakeReview(items, env);
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(review);
    env.start();
    Instant due = Instant.ofEpochMilli(env.currentTimeMillis()).plus(DUE_IN);
    firstRunId = WorkflowClient.start(stub()::run, ReviewRun.start(REVIEW, due, REMIND_EVERY, unreviewed, GRACE))
        .getRunId();
  }

  private ReviewCampaignWorkflow stub() {
    return env.getWorkflowClient().newWorkflowStub(ReviewCampaignWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(AccessflowTemporal.reviewWorkflowId(REVIEW)).setTaskQueue(QUEUE).build());
  }

  private ReviewCampaignWorkflow running() {
    return env.getWorkflowClient().newWorkflowStub(ReviewCampaignWorkflow.class,
        AccessflowTemporal.reviewWorkflowId(REVIEW));
  }

  /** A reviewer decides in the ledger, and the API nudges the workflow. */
  private void decide(int item, String verdict) {
    review.decide(item, verdict);
    running().decided(List.of(FakeReview.reviewerOf(item)));
  }

  private void finished() {
    WorkflowStub.fromTyped(running()).getResult(Void.class);
  }

  @AfterEach
  void stop() {
    if (env != null) {
      env.close();
    }
  }

  @Test
  void opensTellsEveryReviewerCarriesOutRevocationsAndClosesOnceEveryItemIsDecided() {
    start(1_200, "keep");
    await(() -> review.told.stream().anyMatch(t -> t.startsWith("open")));
    assertThat(review.opened).hasValue(1_200);
    assertThat(review.pages).hasValue(4); // 500, 500, 200, and the empty page that ends it
    assertThat(review.told).containsExactly("open:alice@example.com", "open:bob@example.com", "open:carol@example.com");
    assertThat(review.ticketOpened).hasValue(1);

    // The decision finds the review waiting for its next pass, so the nudge cancels that wait's timer.
    Await.until("the review waiting", () -> Histories.waitingOnATimer(env.getWorkflowClient(),
        AccessflowTemporal.reviewWorkflowId(REVIEW)));
    decide(7, "revoke");
    await(() -> review.revoked.contains(7));
    await(() -> review.reported.contains(7));
    assertThat(review.refreshed).contains(FakeReview.reviewerOf(7));

    for (int item = 1; item <= 1_200; item++) {
      if (item != 7) {
        review.decide(item, "keep");
      }
    }
    running().decided(List.of("alice@example.com"));
    finished();
    assertThat(review.closedUnreviewed).containsExactly("keep");
    assertThat(review.closed).hasValue(1);
    assertThat(review.reported).hasSize(1_200);
    assertThat(review.revoked).containsExactly(7);
    // Closed well before the due date.
    assertThat(review.closedAt).isBefore(review.startedAt.plus(Duration.ofDays(1)));
    // Each decision's nudge cancelled the wait's timer: no stale timer fires into the history later.
    assertThat(Histories.count(env.getWorkflowClient(), AccessflowTemporal.reviewWorkflowId(REVIEW),
        io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_CANCELED)).isGreaterThanOrEqualTo(1);
    assertThat(Histories.count(env.getWorkflowClient(), AccessflowTemporal.reviewWorkflowId(REVIEW),
        io.temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_FIRED)).isZero();
    Histories.recordIfAsked(env.getWorkflowClient(), AccessflowTemporal.reviewWorkflowId(REVIEW),
        "review-campaign-cancels-its-timer");
  }

  @Test
  void remindsEveryFewDaysAndAtTheDueDateKeepsWhatNobodyReviewedUnderTheKeepRule() {
    start(10, "keep");
    await(() -> review.told.size() == 3);
    review.decide(1, "keep");
    env.sleep(Duration.ofDays(3).plusMinutes(1));
    await(() -> review.told.stream().filter(t -> t.startsWith("reminder")).count() == 3);
    env.sleep(DUE_IN);
    finished();
    // Reminders on days 3, 6, 9 and 12, to each reviewer with items left; none after the due date.
    assertThat(review.told.stream().filter(t -> t.startsWith("reminder")).count()).isEqualTo(12);
    assertThat(review.closedUnreviewed).containsExactly("keep");
    assertThat(review.items.values()).containsOnly("keep", "kept");
    assertThat(review.revoked).isEmpty();
    assertThat(Duration.between(review.startedAt, review.closedAt)).isBetween(DUE_IN, DUE_IN.plusMinutes(1));
  }

  @Test
  void underTheRevokeRuleWhatNobodyReviewedIsRevokedAndTheCampaignWaitsOutAnIdpOutageBeforeClosing() {
    start(4, "revoke");
    await(() -> review.told.size() == 3);
    decide(1, "keep");
    review.idpDown = true;
    env.sleep(DUE_IN.plusMinutes(1));
    await(() -> review.revokeFailures.get() >= 3);
    assertThat(review.closed).hasValue(0);
    assertThat(review.revoked).isEmpty();
    review.idpDown = false;
    env.sleep(Duration.ofMinutes(2));
    finished();
    assertThat(review.revoked).containsExactlyInAnyOrder(2, 3, 4);
    assertThat(review.items).containsEntry(1, "keep");
    assertThat(review.closed).hasValue(1);
    assertThat(review.reported).containsExactlyInAnyOrder(1, 2, 3, 4);
  }

  @Test
  void underTheEscalateRuleTheDueDateHandsWhatIsLeftToTheEscalationReviewersThenKeepsIt() {
    start(4, "escalate");
    await(() -> review.told.size() == 3);
    env.sleep(DUE_IN.plusMinutes(1));
    await(() -> review.told.stream().anyMatch(t -> t.startsWith("escalated")));
    assertThat(review.escalatedTo).hasSize(1);
    assertThat(review.closed).hasValue(0);
    env.sleep(GRACE.plusMinutes(1));
    finished();
    assertThat(review.closedUnreviewed).containsExactly("keep");
    // The new due date: the grace after the old one.
    assertThat(Duration.between(review.startedAt.plus(DUE_IN).plus(GRACE), review.escalatedTo.get(0)))
        .isBetween(Duration.ZERO, Duration.ofMinutes(1));
    assertThat(Duration.between(review.startedAt, review.closedAt)).isBetween(DUE_IN.plus(GRACE),
        DUE_IN.plus(GRACE).plusMinutes(2));
  }

  @Test
  void aRecordTooLongForOneRunIsWrittenWholeBeforeTheClosingLine() {
    start(40_000, "keep");
    await(() -> review.told.size() == 3);
    env.sleep(DUE_IN.plusMinutes(1));
    finished();
    // 800 comments of 50 lines: more than one run holds, and the closing line comes after the last.
    assertThat(review.reported).hasSize(40_000);
    assertThat(review.reportedBeforeClose).isEqualTo(40_000);
    assertThat(review.closed).hasValue(1);
  }

  @Test
  void theSameNudgeTwiceRevokesOnce() {
    start(3, "keep");
    await(() -> review.told.size() == 3);
    review.decide(2, "revoke");
    running().decided(List.of("bob@example.com"));
    running().decided(List.of("bob@example.com"));
    await(() -> review.revoked.contains(2));
    env.sleep(Duration.ofMinutes(5));
    assertThat(review.revokeCalls.get(2)).isEqualTo(1);
    assertThat(review.reported.stream().filter(i -> i == 2).count()).isEqualTo(1);
  }

  @Test
  void aCampaignOfManyPagesContinuesAsNewAndOpensEachPageOnce() {
    review = null;
    env = TestWorkflowEnvironment.newInstance();
    review = new FakeReview(700, env);
    review.pageSize = 1; // one item a page: 700 activities, more than one run holds
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AccessflowTemporal.workflowImplementations());
    worker.registerActivitiesImplementations(review);
    env.start();
    Instant due = Instant.ofEpochMilli(env.currentTimeMillis()).plus(DUE_IN);
    firstRunId = WorkflowClient.start(stub()::run, ReviewRun.start(REVIEW, due, REMIND_EVERY, "keep", GRACE))
        .getRunId();
    await(() -> review.told.size() == 3);
    assertThat(review.opened).hasValue(700);
    assertThat(review.pages).hasValue(701);
    var first = env.getWorkflowClient().fetchHistory(AccessflowTemporal.reviewWorkflowId(REVIEW), firstRunId).getHistory();
    assertThat(first.getEventsList()).hasSizeLessThan(ReviewCampaignWorkflowImpl.HISTORY_LIMIT + 50);
    assertThat(first.getEvents(first.getEventsCount() - 1).getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
    assertThat(review.ticketOpened).hasValue(1);
  }

  private static void await(BooleanSupplier done) {
    dev.accessflow.workflows.testing.Await.until("the review workflow", done);
  }

  /** The ledger of one campaign, in memory: items 1..n, three reviewers by item number. */
  static final class FakeReview implements ReviewWork {
    static final List<String> REVIEWERS = List.of("alice@example.com", "bob@example.com", "carol@example.com");
    private final int total;
    private final TestWorkflowEnvironment env;
    int pageSize = Integer.MAX_VALUE;
    volatile boolean idpDown;
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger pages = new AtomicInteger();
    final AtomicInteger ticketOpened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger revokeFailures = new AtomicInteger();
    final Map<Integer, String> items = new ConcurrentHashMap<>();
    final Map<Integer, Instant> retryAt = new ConcurrentHashMap<>();
    final Map<Integer, Integer> revokeCalls = new ConcurrentHashMap<>();
    final List<Integer> revoked = new CopyOnWriteArrayList<>();
    final java.util.Set<Integer> reported = ConcurrentHashMap.newKeySet();
    final List<String> told = new CopyOnWriteArrayList<>();
    final List<String> refreshed = new CopyOnWriteArrayList<>();
    final List<String> closedUnreviewed = new CopyOnWriteArrayList<>();
    final List<Instant> escalatedTo = new CopyOnWriteArrayList<>();
    final Instant startedAt;
    volatile Instant closedAt;

    FakeReview(int total, TestWorkflowEnvironment env) {
      this.total = total;
      this.env = env;
      this.startedAt = Instant.ofEpochMilli(env.currentTimeMillis());
    }

    static String reviewerOf(int item) {
      return REVIEWERS.get(item % REVIEWERS.size());
    }

    private Instant now() {
      return Instant.ofEpochMilli(env.currentTimeMillis());
    }

    void decide(int item, String verdict) {
      items.computeIfPresent(item, (k, v) -> v.equals("pending") ? verdict : v);
    }

    @Override
    public String openTicket(String reviewId) {
      ticketOpened.incrementAndGet();
      return "REV-1";
    }

    @Override
    public synchronized int openPage(String reviewId, int limit) {
      pages.incrementAndGet();
      int n = Math.min(Math.min(limit, pageSize), total - opened.get());
      for (int i = 0; i < n; i++) {
        items.put(opened.incrementAndGet(), "pending");
      }
      return n;
    }

    @Override
    public int opened(String reviewId) {
      return opened.get();
    }

    @Override
    public String tellReviewers(String reviewId, String occasion, String afterReviewer, int limit) {
      TreeMap<String, Boolean> withItems = new TreeMap<>();
      items.forEach((item, state) -> {
        if (state.equals("pending")) {
          withItems.put(reviewerOf(item), true);
        }
      });
      List<String> page = withItems.keySet().stream()
          .filter(r -> afterReviewer == null || r.compareTo(afterReviewer) > 0).limit(limit).toList();
      page.forEach(r -> told.add(occasion + ":" + r));
      return page.isEmpty() ? null : page.get(page.size() - 1);
    }

    @Override
    public void refreshMessages(String reviewId, List<String> reviewers) {
      refreshed.addAll(reviewers);
    }

    @Override
    public synchronized ReviewPass revoke(String reviewId, int limit) {
      List<Integer> due = items.entrySet().stream()
          .filter(e -> (e.getValue().equals("revoke") || e.getValue().equals("revoked")) && !revoked.contains(e.getKey()))
          .filter(e -> !retryAt.containsKey(e.getKey()) || !now().isBefore(retryAt.get(e.getKey())))
          .map(Map.Entry::getKey).sorted().limit(limit).toList();
      int failed = 0;
      for (int item : due) {
        revokeCalls.merge(item, 1, Integer::sum);
        if (idpDown) {
          failed++;
          revokeFailures.incrementAndGet();
          retryAt.put(item, now().plus(Duration.ofMinutes(1)));
        } else {
          revoked.add(item);
        }
      }
      long pending = items.entrySet().stream()
          .filter(e -> (e.getValue().equals("revoke") || e.getValue().equals("revoked")) && !revoked.contains(e.getKey()))
          .count();
      Instant next = retryAt.entrySet().stream().filter(e -> !revoked.contains(e.getKey())).map(Map.Entry::getValue)
          .min(Instant::compareTo).orElse(null);
      int undecided = (int) items.values().stream().filter("pending"::equals).count();
      return new ReviewPass(due.size() - failed, failed, 0, (int) pending, next, undecided);
    }

    @Override
    public synchronized int report(String reviewId, long part, int limit) {
      List<Integer> fresh = items.entrySet().stream().filter(e -> !e.getValue().equals("pending"))
          .map(Map.Entry::getKey).filter(i -> !reported.contains(i)).sorted().limit(limit).toList();
      reported.addAll(fresh);
      return fresh.size();
    }

    @Override
    public int escalate(String reviewId, Instant newDueAt) {
      escalatedTo.add(newDueAt);
      return (int) items.values().stream().filter("pending"::equals).count();
    }

    @Override
    public synchronized String closeUnreviewed(String reviewId, String rule) {
      closedUnreviewed.add(rule);
      items.replaceAll((item, state) -> state.equals("pending") ? (rule.equals("revoke") ? "revoked" : "kept") : state);
      return rule;
    }

    volatile int reportedBeforeClose = -1;

    @Override
    public void close(String reviewId, long part) {
      reportedBeforeClose = reported.size();
      closed.incrementAndGet();
      closedAt = now();
    }
  }
}
