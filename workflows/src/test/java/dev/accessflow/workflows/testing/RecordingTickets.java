package dev.accessflow.workflows.testing;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AuditEntry;
import dev.accessflow.workflows.ports.AccessTickets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A ticket port that keeps what it was told, and can be "down" for a number of calls. */
public final class RecordingTickets implements AccessTickets {
  private final List<AuditEntry> entries = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicInteger failuresLeft = new AtomicInteger();

  public void failNextCalls(int n) {
    failuresLeft.set(n);
  }

  @Override
  public String openTicket(AccessRequest request) {
    failIfDown();
    return request.ticketKey() != null ? request.ticketKey() : "ACC-" + request.requestId();
  }

  @Override
  public String openDriftTicket(String reportId, String summary, String text) {
    failIfDown();
    driftTickets.add(reportId + ": " + summary + "\n" + text);
    return "ACC-" + reportId;
  }

  @Override
  public String openReviewTicket(String reviewId, String summary, String text) {
    failIfDown();
    reviewTickets.putIfAbsent(reviewId, new java.util.concurrent.CopyOnWriteArrayList<>(
        List.of(summary + "\n" + text)));
    return "REV-" + reviewId;
  }

  @Override
  public void commentReview(String ticketKey, String reviewId, long part, String text) {
    failIfDown();
    reviewTickets.computeIfAbsent(reviewId, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
        .add("#" + part + " " + text);
  }

  /** A review's ticket: its description first, then each comment ("#part text"). */
  public List<String> reviewTicket(String reviewId) {
    return List.copyOf(reviewTickets.getOrDefault(reviewId, new java.util.concurrent.CopyOnWriteArrayList<>()));
  }

  private final java.util.Map<String, List<String>> reviewTickets = new java.util.concurrent.ConcurrentHashMap<>();

  @Override
  public String openReclaimTicket(String runId, String summary, String text) {
    return openReviewTicket("reclaim-" + runId, summary, text).replace("REV-reclaim-", "RCL-");
  }

  @Override
  public void commentReclaim(String ticketKey, String runId, long part, String text) {
    commentReview(ticketKey, "reclaim-" + runId, part, text);
  }

  /** A reclaim run's ticket: its description first, then each comment ("#part text"). */
  public List<String> reclaimTicket(String runId) {
    return reviewTicket("reclaim-" + runId);
  }

  /** The drift tickets opened: "reportId: summary\ntext". */
  public List<String> driftTickets() {
    return List.copyOf(driftTickets);
  }

  private final List<String> driftTickets = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  public void record(String ticketKey, String requestId, AuditEntry entry) {
    failIfDown();
    // Like the Jira adapter: a sequence already written is skipped, so a retried batch never duplicates a step.
    if (written.add(requestId + "#" + entry.sequence())) {
      entries.add(entry);
    }
  }

  public List<AuditEntry> entries() {
    return List.copyOf(entries);
  }

  private void failIfDown() {
    if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new IllegalStateException("503 from Jira");
    }
  }
}
