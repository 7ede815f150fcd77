package dev.accessflow.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * accessflow's load and fault harness. Starts the Temporal test server, an API replica and a
 * worker replica as separate JVMs against a stub Okta, drives them through the REST API only, and
 * prints (and writes as JSON) what the IdP saw: provisioning latency, revocation lag, and the
 * counts that must be zero. Figures are measured on the Temporal Java test server, not a cluster.
 *
 * <pre>java -cp worker/target/accessflow.jar:bench/target/accessflow-bench.jar dev.accessflow.bench.Bench --help</pre>
 */
public final class Bench {
  /** How long after its expiry a grant may still be removed before the check calls it leaked; lateness itself is the revocation lag. */
  private static final Duration LEAK_GRACE = Duration.ofSeconds(10);
  /** Warm-up requesters are numbered from here, apart from the measured ones (1, 2, ...). */
  private static final int WARMUP_USERS = 900_000;

  /** Command-line options. */
  public record Options(List<String> scenarios, double rate, int count, int minSeconds, int maxSeconds,
      List<Double> sweepRates, int idpLatencyMs, int faultSeconds, int kills, int hostileInputs, int historySample,
      int workers, boolean decideImmediately, Path jar, Path out, String sticky, String jit, int warmup) {

    /**
     * The accessflow and server JVMs' compiler: C1 only by default, as the Dockerfile runs it (on 2
     * cores the C2 compiler's warm-up was most of the CPU a 3-minute run used); "default" for the JVM's own.
     */
    List<String> jvmFlags() {
      return jit.equals("default") ? List.of() : List.of("-XX:TieredStopAtLevel=1");
    }

    /** Sticky execution: on unless asked otherwise, and always off where workers are killed (see the sticky-queue trap). */
    boolean stickyFor(String scenario) {
      return !scenario.equals("kill-worker") && !sticky.equals("off");
    }

    static Options parse(String... args) {
      Map<String, String> a = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String key = args[i].replaceFirst("^--", "");
        if (key.equals("help")) {
          System.out.println(USAGE);
          System.exit(0);
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + key + " needs a value\n" + USAGE);
        }
        a.put(key, args[++i]);
      }
      String[] spread = a.getOrDefault("durations", "60-180").split("-");
      List<Double> rates = a.containsKey("rates")
          ? Arrays.stream(a.get("rates").split(",")).map(Double::parseDouble).toList() : List.of();
      List<String> scenarios = Arrays.asList(a.getOrDefault("scenario", rates.isEmpty() ? "load" : "sweep").split(","));
      if (scenarios.contains("all")) {
        scenarios = List.of("load", "kill-worker", "idp-down", "idp-throttle", "ledger-down", "duplicates", "hostile");
      }
      return new Options(scenarios, Double.parseDouble(a.getOrDefault("rate", "25")),
          Integer.parseInt(a.getOrDefault("count", "5000")), Integer.parseInt(spread[0]), Integer.parseInt(spread[1]),
          rates, Integer.parseInt(a.getOrDefault("idp-latency-ms", "20")),
          Integer.parseInt(a.getOrDefault("fault-seconds", "60")), Integer.parseInt(a.getOrDefault("kills", "3")),
          Integer.parseInt(a.getOrDefault("hostile", "1000")), Integer.parseInt(a.getOrDefault("history-sample", "50")),
          Integer.parseInt(a.getOrDefault("workers", "1")), a.getOrDefault("decide", "pending").equals("immediately"),
          Path.of(a.getOrDefault("jar", "worker/target/accessflow.jar")),
          Path.of(a.getOrDefault("out", "bench/target/bench-report.json")), a.getOrDefault("sticky", "on"),
          a.getOrDefault("jit", "c1"), Integer.parseInt(a.getOrDefault("warmup", "0")));
    }
  }

  static final String USAGE = """
      accessflow bench: load and faults against the real process (separate JVMs), stub Okta, REST only.
        --scenario S[,S]   load | sweep | kill-worker | idp-down | idp-throttle | ledger-down | duplicates | hostile | all  (default load)
        --rate R           requests per second (default 25)
        --count N          requests per run (default 5000)
        --durations A-B    grant durations in seconds, uniform (default 60-180)
        --rates R1,R2,...  sweep: one run per rate (count scaled to the same load time)
        --idp-latency-ms M stub Okta answer delay (default 20)
        --fault-seconds S  length of the IdP and ledger faults (default 60; throttle uses half)
        --kills K          worker SIGKILLs in kill-worker (default 3)
        --hostile N        hostile inputs (default 1000)
        --workers W        worker-only replicas (default 1)
        --sticky on|off    sticky execution of the workers (default on; always off in kill-worker)
        --warmup N         N requests at the same rate before the measured ones (checked, not in the latencies; default 0)
        --jit c1|default   the accessflow and server JVMs' JIT: C1 only as in the Dockerfile (default), or the JVM's tiered C2
        --decide WHEN      pending (default: once the request awaits approval, as a person would) | immediately
        --jar PATH         accessflow jar (default worker/target/accessflow.jar)
        --out PATH         JSON report (default bench/target/bench-report.json)
      Figures are measured on the Temporal Java test server, not a real Temporal cluster.""";

  private Bench() {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Map<String, Object> report = run(options);
    boolean pass = report.values().stream().filter(Map.class::isInstance)
        .allMatch(r -> Boolean.TRUE.equals(((Map<?, ?>) r).get("pass")));
    System.exit(pass ? 0 : 1);
  }

  /** Runs every scenario asked for, prints the tables and verdicts, writes the JSON report. */
  public static Map<String, Object> run(Options options) throws Exception {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("measuredOn", "Temporal Java test server 1.38 (in-memory, separate JVM), " + Runtime.getRuntime().availableProcessors()
        + " cores; not a real Temporal cluster");
    report.put("startedAt", Instant.now().toString());
    for (String scenario : options.scenarios()) {
      if (scenario.equals("sweep")) {
        List<Map<String, Object>> rows = new ArrayList<>();
        double loadSeconds = options.count() / options.rate();
        for (double rate : options.sweepRates()) {
          Map<String, Object> r = runScenario("load", options, rate, (int) Math.max(1, Math.round(rate * loadSeconds)));
          r.put("rate", rate);
          rows.add(r);
        }
        report.put("sweep", Map.of("rows", rows, "pass", rows.stream().allMatch(r -> Boolean.TRUE.equals(r.get("pass")))));
        Report.printSweep(rows);
      } else {
        report.put(scenario, runScenario(scenario, options, options.rate(), options.count()));
      }
    }
    Files.createDirectories(options.out().toAbsolutePath().getParent());
    Api.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.out().toFile(), report);
    System.out.println("\nJSON report: " + options.out());
    return report;
  }

  static Map<String, Object> runScenario(String scenario, Options o, double rate, int count) throws Exception {
    Path dir = o.out().toAbsolutePath().getParent().resolve("bench-run").resolve(scenario + "-" + (int) rate);
    int minSeconds = o.minSeconds();
    int maxSeconds = o.maxSeconds();
    System.out.printf("%n== %s: %d requests at %.0f/s, durations %d-%d s, stub Okta latency %d ms (logs: %s)%n",
        scenario, count, rate, minSeconds, maxSeconds, o.idpLatencyMs(), dir);
    List<Ledger.Window> faults = new CopyOnWriteArrayList<>();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("scenario", scenario);
    result.put("rate", rate);
    result.put("count", count);
    result.put("durationsSeconds", minSeconds + "-" + maxSeconds);
    result.put("idpLatencyMs", o.idpLatencyMs());
    result.put("stickyExecution", o.stickyFor(scenario));
    result.put("jvmFlags", o.jvmFlags());
    result.put("decide", o.decideImmediately() ? "immediately after create" : "once PENDING_APPROVAL");
    Path trustStore = dir.resolve("okta-stub.p12");
    try (OktaStub stub = OktaStub.start(JavaProcess.freePort(), Duration.ofMillis(o.idpLatencyMs()), trustStore);
         Cluster cluster = Cluster.start(o.jar(), dir, stub.url(), trustStore, minSeconds, maxSeconds, o.workers(),
             o.stickyFor(scenario), o.jvmFlags());
         Histories histories = new Histories(cluster.temporalTarget())) {
      Api api = new Api(cluster.apiUrl());
      Instant loadStart = Instant.now();
      Duration loadTime = Duration.ofMillis((long) (count / rate * 1000));
      Thread fault = faultThread(scenario, o, cluster, stub, loadTime, faults, result);
      List<Load.Sent> sent;
      if (scenario.equals("hostile")) {
        sent = hostile(o, api, stub, histories, result, rate, minSeconds, maxSeconds);
      } else {
        Load load = new Load(api, scenario.equals("duplicates") ? Load.Deliveries.DUPLICATED : Load.Deliveries.ONCE,
            !o.decideImmediately());
        List<Load.Sent> warm = o.warmup() > 0
            ? load.run(rate, o.warmup(), minSeconds, maxSeconds, WARMUP_USERS, 43) : List.of();
        warm.forEach(s -> s.warmup = true);
        result.put("warmupDecisionMs", Stats.of(warm.stream().filter(s -> s.decisionStatus == 200)
            .map(s -> s.decisionMicros / 1000.0).toList()));
        if (fault != null) {
          fault.start();
        }
        sent = new ArrayList<>(warm);
        sent.addAll(load.run(rate, count, minSeconds, maxSeconds, 1, 42));
        load.close();
        if (fault != null) {
          fault.join();
        }
      }
      result.put("loadSeconds", Duration.between(loadStart, Instant.now()).toMillis() / 1000.0);
      // Wait for every expiry to pass and be acted on (with slack for faults), then read the record.
      Instant lastExpiry = sent.stream().filter(s -> s.decisionSentAt != null)
          .map(s -> s.decisionSentAt.plusSeconds(s.durationSeconds)).max(Instant::compareTo).orElse(Instant.now());
      Instant deadline = lastExpiry.plusSeconds(60);
      while (Instant.now().isBefore(deadline) && !(Instant.now().isAfter(lastExpiry.plusSeconds(2))
          && Ledger.settled(sent, stub.calls()))) {
        JavaProcess.pause(1000);
      }
      JavaProcess.pause(2000); // a late duplicate call would land here
      Ledger ledger = new Ledger(stub.calls());
      ledger.readStates(api, sent);
      // The wait above knows only decisions whose answer arrived, and expiry runs from the grant, not
      // the decision: a grant made late (slow provisioning, a decision whose answer timed out) can
      // expire after it. Wait for the latest recorded expiry plus a grace, then re-read.
      Instant latest = ledger.latestExpiry();
      if (latest != null && latest.plus(LEAK_GRACE).isAfter(Instant.now())) {
        while (Instant.now().isBefore(latest.plus(LEAK_GRACE)) && Instant.now().isBefore(latest.plusSeconds(60))) {
          JavaProcess.pause(500);
        }
        ledger = new Ledger(stub.calls());
        ledger.readStates(api, sent);
      }
      result.putAll(ledger.check(sent, faults, Instant.now()));
      result.putAll(new LedgerCheck(cluster.ledgerUrl()).check(sent, ledger.states, api, Duration.ofSeconds(15), dir));
      List<Load.Sent> measured = sent.stream().filter(s -> !s.warmup).toList();
      result.put("createMs", Stats.of(measured.stream().filter(s -> s.createStatus == 201).map(s -> s.createMicros / 1000.0).toList()));
      result.put("decisionMs", Stats.of(measured.stream().filter(s -> s.decisionStatus == 200).map(s -> s.decisionMicros / 1000.0).toList()));
      result.put("decisionMsDuringFault", Stats.of(measured.stream().filter(s -> s.decisionStatus == 200
          && faults.stream().anyMatch(w -> w.contains(s.decisionSentAt))).map(s -> s.decisionMicros / 1000.0).toList()));
      result.put("createErrors", sent.stream().filter(s -> s.createStatus != 201).count());
      result.put("decisionErrors", sent.stream().filter(s -> s.createStatus == 201 && s.decisionStatus != 200).count());
      result.put("errorExamples", sent.stream().filter(s -> s.error != null).limit(5).map(s -> s.error).toList());
      if (scenario.equals("duplicates")) {
        result.put("decisionDeliveries", deliveries(sent, ledger.states));
      }
      result.putAll(histories.sample(measured, o.historySample()));
      result.put("slowestDecisions", histories.slowestDecisions(measured, 3));
      result.put("slowestRecoveries", histories.slowestRecoveries(ledger.recoveries, 3));
      result.put("faultWindows", faults.stream().map(w -> Map.of("what", w.what(), "start", w.start().toString(),
          "end", w.end().toString())).toList());
      result.put("processes", usage(cluster));
      // Other builds share this machine: the load average says how much of it the run really had.
      result.put("loadAverage", Files.readString(Path.of("/proc/loadavg")).strip());
    } catch (RuntimeException e) {
      result.put("failure", e.toString());
      System.out.println("RUN FAILED: " + e);
    }
    result.put("pass", pass(result));
    Report.print(result);
    return result;
  }

  @SuppressWarnings("unchecked")
  static boolean pass(Map<String, Object> r) {
    if (r.containsKey("failure")) {
      return false;
    }
    Map<String, Integer> counts = (Map<String, Integer>) r.get("counts");
    boolean zero = counts != null && counts.values().stream().allMatch(c -> c == 0);
    Object hostile = r.get("hostile");
    if (hostile instanceof Map<?, ?> h) {
      zero &= Integer.valueOf(0).equals(h.get("not4xxWithMessage")) && Integer.valueOf(0).equals(h.get("workflowsStarted"))
          && Integer.valueOf(0).equals(h.get("membershipCalls"));
    }
    Object throttle = r.get("throttle");
    if (throttle instanceof Map<?, ?> t) {
      zero &= Boolean.TRUE.equals(t.get("withinAllowance"));
    }
    if (r.containsKey("ledger")) {
      zero &= LedgerCheck.clean(r.get("ledger"));
    }
    Object deliveries = r.get("decisionDeliveries");
    if (deliveries instanceof Map<?, ?> d) {
      zero &= Integer.valueOf(0).equals(d.get("requestsWithoutExactlyOneDecision"));
    }
    return zero;
  }

  private static Map<String, Object> deliveries(List<Load.Sent> sent, Map<Integer, com.fasterxml.jackson.databind.JsonNode> states) {
    Map<String, Integer> statuses = new LinkedHashMap<>();
    int notOne = 0;
    for (Load.Sent s : sent) {
      synchronized (s.deliveryStatuses) {
        s.deliveryStatuses.forEach(st -> statuses.merge(Integer.toString(st), 1, Integer::sum));
      }
      var state = states.get(s.n);
      if (s.id != null && (state == null || state.path("decisions").size() != 1)) {
        notOne++;
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("perRequest", "3 x the same Idempotency-Key (approver 1) + 1 x another key (approver 2), all at once");
    out.put("answers", statuses);
    // Exactly one decision each is checked on the recorded state (doubled) and the IdP (lost/wrong).
    out.put("requestsWithoutExactlyOneDecision", notOne);
    return out;
  }

  private static Map<String, Object> usage(Cluster cluster) {
    Map<String, Object> out = new LinkedHashMap<>();
    cluster.usage().forEach((k, v) -> out.put(k, Map.of("cpuSeconds", Math.round(v.cpuSeconds() * 10) / 10.0,
        "peakRssMb", v.peakRssKb() / 1024)));
    return out;
  }

  /** Hostile inputs first (nothing else running, so any workflow or IdP call is theirs), then a short clean load. */
  private static List<Load.Sent> hostile(Options o, Api api, OktaStub stub, Histories histories, Map<String, Object> result,
      double rate, int minSeconds, int maxSeconds) {
    List<Hostile.Target> targets = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String requester = OktaStub.login(800_000 + i);
      Api.Reply created = api.create(requester, Cluster.APP, Cluster.ROLE, "PT" + minSeconds + "S", "hostile target");
      if (created.status() != 201) {
        throw new IllegalStateException("could not create a target request: " + created.raw());
      }
      targets.add(new Hostile.Target(api, created.text("requestId"), requester));
    }
    JavaProcess.pause(2000);
    int workflowsBefore = histories.countWorkflows();
    int membershipCallsBefore = (int) stub.calls().stream().filter(OktaStub.IdpCall::membership).count();
    Map<String, Object> h = Hostile.run(targets, o.hostileInputs());
    JavaProcess.pause(2000);
    h.put("workflowsStarted", histories.countWorkflows() - workflowsBefore);
    h.put("membershipCalls", (int) stub.calls().stream().filter(OktaStub.IdpCall::membership).count() - membershipCallsBefore);
    result.put("hostile", h);
    // Then ordinary traffic must still work: the ledger checks this part like any run.
    Load load = new Load(api, Load.Deliveries.ONCE, !o.decideImmediately());
    List<Load.Sent> sent = load.run(rate, Math.min(o.count(), (int) Math.max(10, rate * 20)), minSeconds, maxSeconds, 1, 7);
    load.close();
    return sent;
  }

  /** The fault of a scenario, run beside the load; records when it was active. */
  private static Thread faultThread(String scenario, Options o, Cluster cluster, OktaStub stub, Duration loadTime,
      List<Ledger.Window> faults, Map<String, Object> result) {
    Runnable fault = switch (scenario) {
      case "kill-worker" -> () -> {
        for (int k = 1; k <= o.kills(); k++) {
          JavaProcess.pause(loadTime.toMillis() / (o.kills() + 1) - (k == 1 ? 0 : 3000));
          Instant start = Instant.now();
          cluster.killAndRestartWorker(0, Duration.ofSeconds(3));
          faults.add(new Ledger.Window("worker SIGKILL #" + k + ", restarted after 3 s", start, Instant.now()));
          System.out.printf("  worker killed (SIGKILL) and restarted: %s -> %s%n", start, Instant.now());
        }
      };
      case "idp-down" -> () -> {
        JavaProcess.pause(idpFaultDelay(o, loadTime));
        Instant start = Instant.now();
        stub.down();
        System.out.printf("  IdP down (connection refused) at %s%n", start);
        JavaProcess.pause(o.faultSeconds() * 500L);
        stub.unavailable();
        Instant unavailable = Instant.now();
        System.out.printf("  IdP answering 503 at %s%n", unavailable);
        JavaProcess.pause(o.faultSeconds() * 500L);
        stub.up();
        // What an outage costs the IdP: the calls it got while it could only answer 503.
        long failed = stub.calls().stream().filter(c -> c.status() == 503 && !c.at().isBefore(unavailable)).count();
        double seconds = Duration.between(unavailable, Instant.now()).toMillis() / 1000.0;
        result.put("idpCallsWhileUnavailable", failed);
        System.out.printf("  IdP calls answered 503: %d in %.1f s (%.1f a second)%n", failed, seconds, failed / seconds);
        faults.add(new Ledger.Window("IdP refused connections, then 503", start, Instant.now()));
        System.out.printf("  IdP up again at %s%n", Instant.now());
      };
      case "idp-throttle" -> () -> {
        JavaProcess.pause(idpFaultDelay(o, loadTime));
        Instant start = Instant.now();
        Duration window = Duration.ofSeconds(10);
        Instant end = start.plusSeconds(Math.max(10, o.faultSeconds() / 2));
        stub.throttle(window, end);
        System.out.printf("  IdP throttling (429, X-Rate-Limit-Reset every %d s) until %s%n", window.toSeconds(), end);
        JavaProcess.pause(Duration.between(Instant.now(), end).toMillis() + 100);
        stub.up();
        faults.add(new Ledger.Window("IdP 429 with X-Rate-Limit-Reset", start, end));
        result.put("throttle", throttleCheck(stub.calls(), start, end, window));
      };
      case "ledger-down" -> () -> {
        // Early, so most decisions, grants and the first expiries happen while the database is down.
        JavaProcess.pause(loadTime.toMillis() / 4);
        Instant start = Instant.now();
        System.out.printf("  ledger PostgreSQL stopped at %s%n", start);
        cluster.stopAndRestartLedger(Duration.ofSeconds(o.faultSeconds()));
        faults.add(new Ledger.Window("ledger PostgreSQL stopped, then started on its data", start, Instant.now()));
        System.out.printf("  ledger PostgreSQL up again at %s%n", Instant.now());
      };
      default -> null;
    };
    return fault == null ? null : new Thread(fault, "fault-" + scenario);
  }

  /**
   * When an IdP fault starts: a quarter into the load (at most 20 s), but not before the first
   * grants are due to expire, so the fault spans expiries and not only grants.
   */
  private static long idpFaultDelay(Options o, Duration loadTime) {
    return Math.max(Math.min(loadTime.toMillis() / 4, 20_000), (o.minSeconds() + 10) * 1000L);
  }

  /**
   * What the reset headers allow: once a 429 said "wait until the reset", a well-behaved client
   * calls each endpoint family about once per window (the call that learns the window has passed).
   * Allowance: per window, one call per membership that was waiting, plus the calls that were
   * already in flight when the window opened (at most the worker's activity slots, bounded here by
   * the count in the first second of each window).
   */
  private static Map<String, Object> throttleCheck(List<OktaStub.IdpCall> calls, Instant start, Instant end, Duration window) {
    List<OktaStub.IdpCall> during = calls.stream().filter(c -> !c.at().isBefore(start) && c.at().isBefore(end)).toList();
    long distinct = during.stream().map(c -> c.method() + c.user()).distinct().count();
    long windows = (Duration.between(start, end).toSeconds() + window.toSeconds() - 1) / window.toSeconds() + 1;
    long allowance = distinct * windows;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("callsDuringThrottle", during.size());
    out.put("distinctCallsWaiting", distinct);
    out.put("resetWindows", windows);
    out.put("allowance", allowance);
    out.put("withinAllowance", during.size() <= allowance);
    out.put("callsPerSecondDuringThrottle", Math.round(during.size() * 10.0 / Math.max(1, Duration.between(start, end).toSeconds())) / 10.0);
    return out;
  }
}
