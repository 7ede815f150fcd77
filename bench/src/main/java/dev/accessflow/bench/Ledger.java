package dev.accessflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Checks the stub IdP's record against what the requests say: the must-be-zero counts and the
 * latencies measured at the IdP (where access really changes), not inside accessflow.
 */
final class Ledger {
  /** A period a fault was active; expiries inside it are reported as lateness after faults. */
  record Window(String what, Instant start, Instant end) {
    boolean contains(Instant t) {
      return !t.isBefore(start) && !t.isAfter(end);
    }
  }

  /** What the stub saw for one requester: first successful add and remove, and how many of each. */
  static final class Seen {
    Instant firstAdd;
    Instant firstRemove;
    int adds;
    int removes;
    /** An add after a remove: access given back after it was taken away. */
    boolean reAdded;
  }

  final Map<Integer, Seen> seen = new HashMap<>();
  final List<Integer> strangers = new ArrayList<>();
  final Map<Integer, JsonNode> states = new ConcurrentHashMap<>();

  Ledger(List<OktaStub.IdpCall> calls) {
    for (OktaStub.IdpCall call : calls) {
      if (!call.membership() || call.status() != 204) {
        continue;
      }
      Seen s = seen.computeIfAbsent(call.user(), u -> new Seen());
      if (call.method().equals("PUT")) {
        if (s.firstRemove != null) {
          s.reAdded = true;
        }
        s.adds++;
        if (s.firstAdd == null) {
          s.firstAdd = call.at();
        }
      } else {
        s.removes++;
        if (s.firstRemove == null && s.firstAdd != null) {
          s.firstRemove = call.at();
        }
      }
    }
  }

  /** True when every approved request has been added and removed at the IdP. */
  static boolean settled(List<Load.Sent> sent, List<OktaStub.IdpCall> calls) {
    Ledger ledger = new Ledger(calls);
    return sent.stream().filter(Load.Sent::approved).allMatch(s -> {
      Seen seen = ledger.seen.get(s.n);
      return seen != null && seen.firstAdd != null && seen.firstRemove != null;
    });
  }

  /** Reads every request's final state through the REST API (a few at a time). */
  void readStates(Api api, List<Load.Sent> sent) {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    for (Load.Sent s : sent) {
      if (s.id != null) {
        pool.execute(() -> {
          Api.Reply reply = api.state(s.id);
          if (reply.status() == 200 && reply.body() != null) {
            states.put(s.n, reply.body());
          }
        });
      }
    }
    pool.shutdown();
    try {
      pool.awaitTermination(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The latest expiresAt any request's state records (null when none was read). */
  Instant latestExpiry() {
    return states.values().stream().map(state -> instant(state, "expiresAt")).filter(java.util.Objects::nonNull)
        .max(Instant::compareTo).orElse(null);
  }

  static Instant instant(JsonNode state, String field) {
    JsonNode v = state == null ? null : state.get(field);
    return v == null || v.isNull() ? null : Instant.parse(v.asText());
  }

  /** A removal due during a fault: how long after the fault's end the IdP saw it. */
  record Recovery(Load.Sent sent, Instant faultEnd, double lateMs) {}

  /** Removals due during a fault, slowest first (filled by {@link #check}). */
  final List<Recovery> recoveries = new ArrayList<>();

  /** The must-be-zero counts and the IdP-side latencies. */
  Map<String, Object> check(List<Load.Sent> sent, List<Window> faults, Instant now) {
    int lost = 0;
    int leaked = 0;
    int doubled = 0;
    int wrong = 0;
    int repeatedIdpCalls = 0;
    List<String> examples = new ArrayList<>();
    List<Double> provisioning = new ArrayList<>();
    List<Double> revocation = new ArrayList<>();
    List<Double> revocationInFault = new ArrayList<>();
    List<Double> afterRecovery = new ArrayList<>();
    List<Double> revocationOutside = new ArrayList<>();
    Map<Integer, Load.Sent> byUser = new HashMap<>();
    sent.forEach(s -> byUser.put(s.n, s));
    for (Load.Sent s : sent) {
      Seen seen = this.seen.get(s.n);
      JsonNode state = states.get(s.n);
      int decisions = state == null ? 0 : state.path("decisions").size();
      if (decisions > 1) {
        doubled++;
        example(examples, "doubled " + s.id + ": " + decisions + " decisions recorded");
      }
      if (seen != null && seen.reAdded) {
        doubled++;
        example(examples, "doubled " + s.id + ": added again after its removal");
      }
      if (seen != null && (seen.adds > 1 || seen.removes > 1)) {
        repeatedIdpCalls++;
      }
      // Approved if the answer said so, or the request's own record holds an approval (a decision
      // whose answer timed out may still have been applied).
      boolean approved = s.approved() || (!s.deny && state != null && hasApproval(state));
      if (!approved) {
        if (seen != null && seen.firstAdd != null) {
          wrong++;
          example(examples, "wrong " + OktaStub.login(s.n) + ": member although request " + s.id + " was "
              + (s.deny ? "denied" : "never approved (" + s.error + ")"));
        }
        continue;
      }
      if (seen == null || seen.firstAdd == null) {
        lost++;
        example(examples, "lost " + s.id + ": approved, never added (state " + (state == null ? "?" : state.path("status").asText()) + ")");
        continue;
      }
      if (s.decisionSentAt == null) {
        continue;
      }
      if (!s.warmup) { // a warm-up request is checked like the others, but its latencies are not figures
        provisioning.add(Duration.between(s.decisionSentAt, seen.firstAdd).toNanos() / 1e6);
      }
      Instant recorded = instant(state, "expiresAt");
      // State unreadable: the add plus the duration is the best estimate.
      Instant expiresAt = recorded != null ? recorded : seen.firstAdd.plusSeconds(s.durationSeconds);
      if (seen.firstRemove == null) {
        if (expiresAt.isBefore(now)) {
          leaked++;
          example(examples, "leaked " + s.id + ": expired " + expiresAt + ", still a member");
        }
        continue;
      }
      double lag = Duration.between(expiresAt, seen.firstRemove).toNanos() / 1e6;
      if (s.warmup) {
        continue;
      }
      revocation.add(lag);
      boolean inFault = faults.stream().anyMatch(w -> w.contains(expiresAt));
      (inFault ? revocationInFault : revocationOutside).add(lag);
      // A removal due during a fault: how long after the fault ended it landed (recovery, not the fault).
      faults.stream().filter(w -> w.contains(expiresAt)).findFirst().ifPresent(w -> {
        double late = Math.max(0, Duration.between(w.end(), seen.firstRemove).toNanos() / 1e6);
        afterRecovery.add(late);
        recoveries.add(new Recovery(s, w.end(), late));
      });
    }
    for (Integer user : seen.keySet()) {
      if (!byUser.containsKey(user) && seen.get(user).firstAdd != null) {
        wrong++;
        example(examples, "wrong: user " + user + " added; no request of this run explains it");
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("lost", lost);
    counts.put("leaked", leaked);
    counts.put("doubled", doubled);
    counts.put("wrong", wrong);
    out.put("counts", counts);
    out.put("repeatedIdpCalls", repeatedIdpCalls);
    out.put("examples", examples);
    out.put("provisioningMs", Stats.of(provisioning));
    out.put("revocationLagMs", Stats.of(revocation));
    out.put("revocationLagMsExpiryDuringFault", Stats.of(revocationInFault));
    out.put("revocationLagMsOtherwise", Stats.of(revocationOutside));
    out.put("removalAfterRecoveryMs", Stats.of(afterRecovery));
    recoveries.sort(Comparator.comparingDouble(Recovery::lateMs).reversed());
    return out;
  }

  private static boolean hasApproval(JsonNode state) {
    for (JsonNode d : state.path("decisions")) {
      if ("APPROVE".equals(d.path("verdict").asText())) {
        return true;
      }
    }
    return false;
  }

  private static void example(List<String> examples, String line) {
    if (examples.size() < 10) {
      examples.add(line);
    }
  }
}
