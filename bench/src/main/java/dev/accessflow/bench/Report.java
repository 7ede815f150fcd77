package dev.accessflow.bench;

import java.util.List;
import java.util.Map;

/** The human-readable table and verdict line of a run. */
final class Report {
  private Report() {}

  static void print(Map<String, Object> r) {
    String scenario = (String) r.get("scenario");
    if (r.containsKey("failure")) {
      System.out.printf("VERDICT %s: FAIL (%s)%n", scenario, r.get("failure"));
      return;
    }
    System.out.println("Measured on the Temporal Java test server (separate JVM, in memory), not a real cluster.");
    System.out.printf("JVM flags of the server, API and worker processes: %s%n", r.get("jvmFlags"));
    System.out.printf("%-44s %9s %9s %9s  %s%n", "metric", "p50", "p99", "max", "target");
    row("create latency, REST (ms)", r.get("createMs"), "");
    row("decision latency, REST (ms)", r.get("decisionMs"), "");
    if (r.get("decisionMsDuringFault") instanceof Stats during && during.n() > 0) {
      row("  sent during a fault (ms)", during, "");
    }
    if (r.get("warmupDecisionMs") instanceof Stats warm && warm.n() > 0) {
      row("  during the warm-up (not in the figures, ms)", warm, "");
    }
    row("provisioning: decision -> IdP add (ms)", r.get("provisioningMs"), "p99 <= 500");
    row("revocation lag: expiry -> IdP remove (ms)", r.get("revocationLagMs"), "p99 <= 1000, max <= 2000");
    row("  expiry outside any fault (ms)", r.get("revocationLagMsOtherwise"), "");
    row("  expiry during a fault (lateness, ms)", r.get("revocationLagMsExpiryDuringFault"), "");
    row("  removal after recovery: fault end -> IdP remove (ms)", r.get("removalAfterRecoveryMs"), "p99 <= 2000");
    row("request workflow: history events (sample)", r.get("historyEventsPerRequest"), "<= 60");
    row("request workflow: activities (sample)", r.get("activitiesPerRequest"), "<= 10");
    row("  removal workflow: history events", r.get("removalWorkflowEventsPerRequest"), "0 unless the IdP failed");
    row("  membership workflow: history events", r.get("membershipWorkflowEventsPerRequest"), "");
    row("billable actions per request (estimate)", r.get("billableActionsPerRequestEstimate"), "");
    Object processes = r.get("processes");
    if (processes instanceof Map<?, ?> p) {
      p.forEach((name, u) -> System.out.printf("process %-8s %s%n", name, u));
    }
    System.out.printf("machine load average at the end (1/5/15 min): %s%n", r.get("loadAverage"));
    System.out.printf("errors: create %s, decision %s %s%n", r.get("createErrors"), r.get("decisionErrors"),
        r.get("errorExamples"));
    if (r.get("ledger") instanceof Map<?, ?> l) {
      System.out.printf("ledger (PostgreSQL, read over JDBC): %s requests, rows missing %s, status mismatches %s, "
          + "sequence gaps %s; audit rows per request p50/p99/max %s; failed write attempts (retried) %s%n",
          l.get("requestsChecked"), l.get("missingRows"), l.get("statusMismatches"), l.get("sequenceGaps"),
          triple(l.get("auditRowsPerRequest")), l.get("failedWriteAttempts"));
      if (l.get("examples") instanceof List<?> e && !e.isEmpty()) {
        System.out.println("  ledger examples: " + e);
      }
      System.out.printf("ledger export GET /v1/audit/events: %s rows, %s bytes in %s ms; chain verified %s%s%n",
          l.get("exportRows"), l.get("exportBytes"), l.get("exportMs"), l.get("chainVerified"),
          l.containsKey("chainProblem") ? " (" + l.get("chainProblem") + ")" : l.containsKey("failure")
              ? " (" + l.get("failure") + ")" : "");
    }
    for (String extra : List.of("hostile", "throttle", "decisionDeliveries")) {
      if (r.containsKey(extra)) {
        System.out.printf("%s: %s%n", extra, r.get(extra));
      }
    }
    if (r.get("slowestDecisions") instanceof List<?> slow && !slow.isEmpty()) {
      System.out.println("slowest decisions (request workflow events, ms from the moment the decision was sent):");
      slow.forEach(line -> System.out.println("  " + line));
    }
    if (r.get("slowestRecoveries") instanceof List<?> slow && !slow.isEmpty()) {
      System.out.println("slowest removals after the fault (ms from its end):");
      slow.forEach(line -> System.out.println("  " + line));
    }
    Object examples = r.get("examples");
    if (examples instanceof List<?> l && !l.isEmpty()) {
      System.out.println("examples: " + l);
    }
    Map<?, ?> counts = (Map<?, ?>) r.get("counts");
    System.out.printf("VERDICT %s: %s lost=%s leaked=%s doubled=%s wrong=%s%s%n", scenario,
        Boolean.TRUE.equals(r.get("pass")) ? "PASS" : "FAIL", counts.get("lost"), counts.get("leaked"),
        counts.get("doubled"), counts.get("wrong"), lateness(r));
  }

  private static String lateness(Map<String, Object> r) {
    Object s = r.get("revocationLagMsExpiryDuringFault");
    if (s instanceof Stats st && st.n() > 0) {
      return String.format(" lateness(expiry during fault: n=%d p50=%.0f ms max=%.0f ms)", st.n(), st.p50(), st.max());
    }
    return "";
  }

  private static void row(String name, Object stats, String target) {
    if (stats instanceof Stats s) {
      System.out.printf("%-44s %9s %9s %9s  %s%n", name + " n=" + s.n(), f(s.p50()), f(s.p99()), f(s.max()), target);
    }
  }

  private static String f(double v) {
    return Double.isNaN(v) ? "-" : String.format("%.1f", v);
  }

  static void printSweep(List<Map<String, Object>> rows) {
    System.out.println("\nSweep (Temporal Java test server; ms, p50 / p99 / max):");
    System.out.printf("%6s %22s %22s %22s %8s%n", "rate/s", "create", "provisioning", "revocation lag", "verdict");
    for (Map<String, Object> r : rows) {
      System.out.printf("%6.0f %22s %22s %22s %8s%n", (Double) r.get("rate"), triple(r.get("createMs")),
          triple(r.get("provisioningMs")), triple(r.get("revocationLagMs")), Boolean.TRUE.equals(r.get("pass")) ? "PASS" : "FAIL");
    }
  }

  private static String triple(Object stats) {
    return stats instanceof Stats s ? f(s.p50()) + "/" + f(s.p99()) + "/" + f(s.max()) : "-";
  }
}
