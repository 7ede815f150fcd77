package dev.accessflow.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An Okta-shaped IdP on a loopback port, answering the four Management API calls accessflow's real
 * Okta adapter makes, and recording every membership call with the time it arrived. It can be
 * taken down (connection refused), answer 503, or throttle with 429 and Okta's rate-limit headers.
 *
 * <p>Users: login {@code u<n>@bench.example} has Okta id {@code 00ubench<n>}, so every call maps
 * back to the harness's request n without a lookup table.
 */
final class OktaStub implements AutoCloseable {
  /** What the stub does with a call right now. */
  enum Mode { UP, DOWN, UNAVAILABLE, THROTTLED }

  /** One call the stub answered (or refused with a status). */
  record IdpCall(Instant at, String method, String groupId, int user, int status) {
    boolean membership() {
      return groupId != null && user >= 0;
    }
  }

  static final String MANAGER = "approver1@bench.example";
  private static final Pattern USER = Pattern.compile("/api/v1/users/([^/?]+)");
  private static final Pattern GROUP = Pattern.compile("/api/v1/groups/([^/?]+)");
  private static final Pattern USER_GROUPS = Pattern.compile("/api/v1/users/([^/?]+)/groups");
  private static final Pattern MEMBERSHIP = Pattern.compile("/api/v1/groups/([^/]+)/users/([^/?]+)");
  private static final Pattern GROUP_MEMBERS = Pattern.compile("/api/v1/groups/([^/]+)/users");
  private static final Pattern LOGIN = Pattern.compile("u(\\d+)@bench\\.example");

  static final String STORE_PASSWORD = "bench-stub";
  private final int port;
  private final Duration latency;
  private final SSLContext tls;
  private final ExecutorService pool = Executors.newFixedThreadPool(32);
  private final List<IdpCall> calls = new ArrayList<>();
  /** Who is in which group, as the membership calls left it: what the inventory's listing reads. */
  private final java.util.Map<String, java.util.Set<Integer>> members = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Mode mode = Mode.UP;
  /** While throttled: the epoch second the current rate-limit window resets. */
  private volatile long throttleWindowSeconds = 10;
  private volatile Instant throttleEnd = Instant.EPOCH;
  private HttpServer server;

  private OktaStub(int port, Duration latency, SSLContext tls) {
    this.port = port;
    this.latency = latency;
    this.tls = tls;
  }

  /**
   * Starts on HTTPS with a self-signed certificate for 127.0.0.1 kept in {@code keyStore}, which
   * the worker JVM also gets as its trust store (the Okta adapter only accepts https org URLs).
   */
  static OktaStub start(int port, Duration latency, Path keyStore) {
    OktaStub stub = new OktaStub(port, latency, tls(keyStore));
    stub.listen();
    return stub;
  }

  String url() {
    return "https://127.0.0.1:" + port;
  }

  private static SSLContext tls(Path keyStore) {
    try {
      Files.deleteIfExists(keyStore);
      Files.createDirectories(keyStore.toAbsolutePath().getParent());
      Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-alias", "okta-stub", "-keyalg", "RSA", "-keysize", "2048", "-validity", "7",
          "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
          "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD)
          .redirectErrorStream(true).start();
      String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (keytool.waitFor() != 0) {
        throw new IllegalStateException("keytool failed: " + out);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keyStore)) {
        store.load(in, STORE_PASSWORD.toCharArray());
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, STORE_PASSWORD.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("could not make the stub's TLS certificate", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String login(int n) {
    return "u" + n + "@bench.example";
  }

  static String userId(int n) {
    return "00ubench" + n;
  }

  /** Connection refused: the port is closed until {@link #up()} or another mode. */
  synchronized void down() {
    mode = Mode.DOWN;
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  synchronized void unavailable() {
    listen();
    mode = Mode.UNAVAILABLE;
  }

  /** 429 for every call until {@code end}, with windows of {@code window} reported in X-Rate-Limit-Reset. */
  synchronized void throttle(Duration window, Instant end) {
    listen();
    throttleWindowSeconds = window.toSeconds();
    throttleEnd = end;
    mode = Mode.THROTTLED;
  }

  synchronized void up() {
    listen();
    mode = Mode.UP;
  }

  Mode mode() {
    return mode;
  }

  synchronized List<IdpCall> calls() {
    return List.copyOf(calls);
  }

  private synchronized void record(IdpCall call) {
    calls.add(call);
  }

  private synchronized void listen() {
    if (server != null) {
      return;
    }
    try {
      HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
      s.setHttpsConfigurator(new HttpsConfigurator(tls));
      s.setExecutor(pool);
      s.createContext("/", this::handle);
      s.start();
      server = s;
    } catch (IOException e) {
      throw new IllegalStateException("stub Okta could not listen on 127.0.0.1:" + port, e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      Instant at = Instant.now();
      Matcher membership = MEMBERSHIP.matcher(path);
      String groupId = null;
      int user = -1;
      if (membership.matches()) {
        groupId = membership.group(1);
        user = userNumber(membership.group(2).replace("00ubench", "u") + "@bench.example");
      }
      Matcher lookup = USER.matcher(path);
      if (user < 0 && lookup.matches()) {
        String idOrLogin = java.net.URLDecoder.decode(lookup.group(1), StandardCharsets.UTF_8);
        user = idOrLogin.startsWith("00ubench") ? Integer.parseInt(idOrLogin.substring(8)) : userNumber(idOrLogin);
      }
      if (!latency.isZero()) {
        sleep(latency);
      }
      Mode now = mode;
      if (now == Mode.THROTTLED && Instant.now().isAfter(throttleEnd)) {
        now = Mode.UP;
      }
      switch (now) {
        case UNAVAILABLE, DOWN -> {
          record(new IdpCall(at, method, groupId, user, 503));
          send(exchange, 503, error("E0000009", "Internal Server Error"));
          return;
        }
        case THROTTLED -> {
          long epoch = Instant.now().getEpochSecond();
          long reset = Math.min(throttleEnd.getEpochSecond() + 1, (epoch / throttleWindowSeconds + 1) * throttleWindowSeconds);
          exchange.getResponseHeaders().add("X-Rate-Limit-Limit", "100");
          exchange.getResponseHeaders().add("X-Rate-Limit-Remaining", "0");
          exchange.getResponseHeaders().add("X-Rate-Limit-Reset", Long.toString(reset));
          record(new IdpCall(at, method, groupId, user, 429));
          send(exchange, 429, error("E0000047", "API call exceeded rate limit due to too many requests."));
          return;
        }
        default -> { }
      }
      if (membership.matches() && (method.equals("PUT") || method.equals("DELETE"))) {
        java.util.Set<Integer> group = members.computeIfAbsent(groupId, g -> java.util.concurrent.ConcurrentHashMap.newKeySet());
        if (method.equals("PUT")) {
          group.add(user);
        } else {
          group.remove(user);
        }
        record(new IdpCall(at, method, groupId, user, 204));
        send(exchange, 204, null);
        return;
      }
      Matcher userPath = USER.matcher(path);
      if (method.equals("GET") && userPath.matches()) {
        String idOrLogin = java.net.URLDecoder.decode(userPath.group(1), StandardCharsets.UTF_8);
        int n = idOrLogin.startsWith("00ubench") ? Integer.parseInt(idOrLogin.substring(8)) : userNumber(idOrLogin);
        if (n < 0) {
          send(exchange, 404, error("E0000007", "Not found: Resource not found: " + idOrLogin + " (User)"));
          return;
        }
        send(exchange, 200, """
            {"id":"%s","status":"ACTIVE","created":"2025-01-01T00:00:00.000Z","lastLogin":null,
             "profile":{"login":"%s","email":"%s","firstName":"Bench","lastName":"User %d","managerId":"%s"}}"""
            .formatted(userId(n), login(n), login(n), n, MANAGER));
        return;
      }
      if (method.equals("GET") && USER_GROUPS.matcher(path).matches()) {
        // Asked before a first grant (standing access); bench users start in no group.
        send(exchange, 200, "[]");
        return;
      }
      Matcher listing = GROUP_MEMBERS.matcher(path);
      if (method.equals("GET") && listing.matches()) {
        // The inventory's sync: one page of whoever the membership calls left in the group.
        StringBuilder page = new StringBuilder("[");
        for (int n : members.getOrDefault(listing.group(1), java.util.Set.of())) {
          page.append(page.length() == 1 ? "" : ",").append("""
              {"id":"%s","status":"ACTIVE","created":"2025-01-01T00:00:00.000Z","lastLogin":null,
               "profile":{"login":"%s","email":"%s","firstName":"Bench","lastName":"User %d","managerId":"%s"}}"""
              .formatted(userId(n), login(n), login(n), n, MANAGER));
        }
        send(exchange, 200, page.append(']').toString());
        return;
      }
      Matcher groupPath = GROUP.matcher(path);
      if (method.equals("GET") && groupPath.matches()) {
        send(exchange, 200, """
            {"id":"%s","type":"OKTA_GROUP","profile":{"name":"%s","description":"bench group"}}"""
            .formatted(groupPath.group(1), groupPath.group(1)));
        return;
      }
      send(exchange, 404, error("E0000022", "The endpoint does not support the provided HTTP method"));
    }
  }

  private static int userNumber(String login) {
    Matcher m = LOGIN.matcher(login);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static String error(String code, String summary) {
    return "{\"errorCode\":\"%s\",\"errorSummary\":\"%s\",\"errorLink\":\"%s\",\"errorId\":\"oaebench\",\"errorCauses\":[]}"
        .formatted(code, summary, code);
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    if (json == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
    pool.shutdownNow();
  }
}
