package dev.accessflow.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The real thing as separate JVMs: the Temporal test server, one API-only accessflow replica and
 * N worker-only replicas, all from worker/target/accessflow.jar, with a generated config and
 * catalog. Splitting API and worker lets a worker be killed while requests keep arriving.
 */
final class Cluster implements AutoCloseable {
  static final String TOKEN = "bench-token-0123456789abcdef";
  static final String APP = "bench-app";
  static final String ROLE = "operator";
  static final String GROUP = "00gbenchops";
  static final String APPROVER = "approver1@bench.example";
  static final String SECOND_APPROVER = "approver2@bench.example";

  final JavaProcess server;
  /** The ledger's PostgreSQL, shared by every replica as a real deployment shares its server (replaced by ledger-down). */
  volatile JavaProcess ledger;
  final int ledgerPort;
  final JavaProcess api;
  final List<JavaProcess> workers = new ArrayList<>();
  final int temporalPort;
  final int apiPort;
  private final Path jar;
  private final Path dir;
  private final Path config;
  private final Path trustStore;
  /** JVM options of every accessflow and Temporal process the cluster starts (not of the harness). */
  private final List<String> jvmFlags;

  private Cluster(Path jar, Path dir, Path config, Path trustStore, List<String> jvmFlags, int temporalPort, JavaProcess server,
      JavaProcess ledger, int ledgerPort, JavaProcess api, int apiPort) {
    this.ledger = ledger;
    this.ledgerPort = ledgerPort;
    this.jvmFlags = jvmFlags;
    this.jar = jar;
    this.dir = dir;
    this.config = config;
    this.trustStore = trustStore;
    this.temporalPort = temporalPort;
    this.server = server;
    this.api = api;
    this.apiPort = apiPort;
  }

  String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  String temporalTarget() {
    return "127.0.0.1:" + temporalPort;
  }

  /**
   * @param sticky sticky execution (workers keep workflows cached between tasks); off when the scenario
   *     kills workers, since the test server never moves tasks off a dead worker's sticky queue
   * @param jvmFlags options for the server, API and worker JVMs (e.g. the Dockerfile's C1-only compiler)
   */
  static Cluster start(Path jar, Path dir, String idpUrl, Path trustStore, int minSeconds, int maxSeconds, int workerCount,
      boolean sticky, List<String> jvmFlags) {
    try {
      Files.createDirectories(dir);
      // Each run starts with empty logs (a replaced worker then appends to its predecessor's, on purpose).
      try (var logs = Files.newDirectoryStream(dir, "*.log")) {
        for (Path log : logs) {
          Files.delete(log);
        }
      }
      Path catalog = dir.resolve("bench-catalog.yml");
      Files.writeString(catalog, catalog(minSeconds, maxSeconds));
      Path config = dir.resolve("accessflow-bench.yml");
      int ledgerPort = JavaProcess.freePort();
      Files.writeString(config, config(catalog, idpUrl, sticky, ledgerPort));
      JavaProcess ledger = ledgerProcess(jar, dir, jvmFlags, ledgerPort, freshDirectory(dir.resolve("ledger-data")));
      int temporalPort = JavaProcess.freePort();
      JavaProcess server = new JavaProcess("temporal-test-server",
          JavaProcess.java(jvmFlags, "-Xmx1g", "-cp", jar.toString(), "dev.accessflow.worker.TemporalTestServerMain",
              Integer.toString(temporalPort)),
          Map.of(), dir.resolve("temporal-server.log"));
      int apiPort = JavaProcess.freePort();
      JavaProcess api = accessflow(jar, config, dir, trustStore, jvmFlags, "127.0.0.1:" + temporalPort, "api", apiPort, true,
          false);
      Cluster cluster = new Cluster(jar, dir, config, trustStore, jvmFlags, temporalPort, server, ledger, ledgerPort, api,
          apiPort);
      try {
        server.start();
        ledger.start();
        server.awaitPort(temporalPort, Duration.ofSeconds(60));
        ledger.awaitPort(ledgerPort, Duration.ofSeconds(60));
        api.start();
        for (int i = 0; i < workerCount; i++) {
          cluster.workers.add(cluster.newWorker(i));
        }
        cluster.workers.forEach(JavaProcess::start);
        cluster.awaitHealthy(api);
        for (JavaProcess w : cluster.workers) {
          cluster.awaitHealthy(w);
        }
      } catch (RuntimeException e) {
        cluster.close(); // never leave JVMs behind
        throw e;
      }
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ledger's PostgreSQL in its own JVM, its data in {@code data} (kept across a stop, as a server's would be). */
  private static JavaProcess ledgerProcess(Path jar, Path dir, List<String> jvmFlags, int port, Path data) {
    return new JavaProcess("ledger-postgres",
        JavaProcess.java(jvmFlags, "-Xmx128m", "-cp", jar.toString(), "dev.accessflow.worker.LedgerServerMain",
            Integer.toString(port), data.toString()),
        Map.of(), dir.resolve("ledger-postgres.log"));
  }

  private static Path freshDirectory(Path path) throws IOException {
    if (Files.exists(path)) {
      try (var files = Files.walk(path)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
    return path;
  }

  /** Stops the ledger's PostgreSQL cleanly (as an operator or a failover would), waits, starts it again on its port and data. */
  void stopAndRestartLedger(Duration down) {
    JavaProcess old = ledger;
    old.stop();
    JavaProcess.pause(down.toMillis());
    JavaProcess fresh = ledgerProcess(jar, dir, jvmFlags, ledgerPort, dir.resolve("ledger-data")).carrying(old);
    ledger = fresh;
    fresh.start();
    fresh.awaitPort(ledgerPort, Duration.ofSeconds(60));
  }

  private JavaProcess newWorker(int index) {
    return accessflow("worker-" + index, JavaProcess.freePort(), false, true);
  }

  /** The admin health check answers 200 once the replica is wired and Temporal answers. */
  private void awaitHealthy(JavaProcess replica) {
    replica.awaitHttp("http://127.0.0.1:" + replica.adminPort + "/healthcheck", Duration.ofSeconds(120));
  }

  /** SIGKILLs worker i, waits, and starts a fresh JVM in its place (new ports, same config). */
  void killAndRestartWorker(int index, Duration down) {
    JavaProcess old = workers.get(index);
    old.kill();
    JavaProcess.pause(down.toMillis());
    JavaProcess fresh = newWorker(index).carrying(old);
    workers.set(index, fresh);
    fresh.start();
    awaitHealthy(fresh);
  }

  private JavaProcess accessflow(String name, int port, boolean runApi, boolean runWorker) {
    return accessflow(jar, config, dir, trustStore, jvmFlags, temporalTarget(), name, port, runApi, runWorker);
  }

  private static JavaProcess accessflow(Path jar, Path config, Path dir, Path trustStore, List<String> jvmFlags,
      String temporal, String name, int port, boolean runApi, boolean runWorker) {
    int adminPort = JavaProcess.freePort();
    JavaProcess p = new JavaProcess(name,
        // The stub Okta's self-signed certificate is the only one this JVM needs to trust.
        JavaProcess.java(jvmFlags, "-Xmx512m", "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStoreType=PKCS12",
            "-Djavax.net.ssl.trustStorePassword=" + OktaStub.STORE_PASSWORD, "-jar", jar.toString(), "server",
            config.toString()),
        Map.of("PORT", Integer.toString(port), "ADMIN_PORT", Integer.toString(adminPort),
            "TEMPORAL_ADDRESS", temporal, "ACCESSFLOW_RUN_API", Boolean.toString(runApi), "ACCESSFLOW_RUN_WORKER", Boolean.toString(runWorker)),
        dir.resolve(name + ".log"));
    p.adminPort = adminPort;
    return p;
  }

  /** A role whose allowed durations cover the harness's spread, second by second. */
  static String catalog(int minSeconds, int maxSeconds) {
    String durations = IntStream.rangeClosed(minSeconds, maxSeconds).mapToObj(s -> "PT" + s + "S")
        .collect(Collectors.joining(", "));
    return """
        # Generated by the accessflow bench harness: one role whose durations cover the load's spread.
        minimumDuration: PT1S
        apps:
          %s:
            name: Bench app
            owners: [%s]
            roles:
              %s:
                name: Operator
                groups: [%s]
                risk: high
                approvers: [%s, %s]
                durations: [%s]
                maxDuration: PT%dS
        """.formatted(APP, APPROVER, ROLE, GROUP, APPROVER, SECOND_APPROVER, durations, maxSeconds);
  }

  /** The ledger's JDBC URL (the harness reads it after a run). */
  String ledgerUrl() {
    return "jdbc:postgresql://127.0.0.1:" + ledgerPort + "/postgres";
  }

  static String config(Path catalog, String idpUrl, boolean sticky, int ledgerPort) {
    return """
        # Generated by the accessflow bench harness.
        temporal:
          target: ${TEMPORAL_ADDRESS}
          namespace: default
          taskQueue: accessflow
          registerSearchAttributes: true
          # Off only where workers are killed: the test server never moves tasks off a dead worker's sticky queue.
          stickyExecution: %s
        ledger:
          url: jdbc:postgresql://127.0.0.1:%d/postgres
          user: postgres
          password: ""
        runWorker: ${ACCESSFLOW_RUN_WORKER:-true}
        runApi: ${ACCESSFLOW_RUN_API:-true}
        catalog: %s
        approvalTimeout: PT1H
        apiTokens:
          - principal: service:bench
            token: %s
            actOnBehalf: true
        idp:
          type: okta
          okta:
            orgUrl: %s
            apiToken: 00BENCHfakeOktaToken
            checkCatalogGroups: true
            requestTimeout: PT5S
        server:
          applicationConnectors:
            - type: http
              bindHost: 127.0.0.1
              port: ${PORT}
          adminConnectors:
            - type: http
              bindHost: 127.0.0.1
              port: ${ADMIN_PORT}
          registerDefaultExceptionMappers: false
        logging:
          level: INFO
          loggers:
            io.temporal: WARN
            io.grpc: WARN
            accessflow.audit: INFO
        """.formatted(sticky, ledgerPort, catalog.toAbsolutePath(), TOKEN, idpUrl);
  }

  /** CPU seconds and peak RSS per role (workers summed over incarnations). */
  Map<String, JavaProcess.Usage> usage() {
    JavaProcess.Usage workerUsage = new JavaProcess.Usage(0, 0);
    for (JavaProcess w : workers) {
      workerUsage = workerUsage.plus(w.usage());
    }
    return Map.of("server", server.usage(), "ledger", ledger.usage(), "api", api.usage(), "worker", workerUsage);
  }

  @Override
  public void close() {
    workers.forEach(JavaProcess::stop);
    api.stop();
    server.stop();
    ledger.stop();
  }
}
