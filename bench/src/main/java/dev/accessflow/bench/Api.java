package dev.accessflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;

/** accessflow's public REST interface, as a client sees it; every call is timed. */
final class Api {
  static final ObjectMapper JSON = new ObjectMapper();

  /** One answer: HTTP status (0 = no answer), body, and how long it took. */
  record Reply(int status, JsonNode body, String raw, long micros) {
    String text(String field) {
      return body == null ? "" : body.path(field).asText();
    }
  }

  /** Daemon threads shared by every client, so fresh clients do not pile up pools. */
  private static final java.util.concurrent.ExecutorService HTTP_THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "bench-http");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).executor(HTTP_THREADS).build();
  private final String base;

  Api(String base) {
    this.base = base;
  }

  /** A client with its own connections (after a 413 the server closes the connection it answered on). */
  Api fresh() {
    return new Api(base);
  }

  Reply create(String requester, String app, String role, String duration, String reason) {
    return post("/v1/requests", JSON.createObjectNode().put("requester", requester).put("app", app).put("role", role)
        .put("duration", duration).put("reason", reason).toString(), Cluster.TOKEN, null);
  }

  Reply decide(String requestId, String verdict, String actor, String idempotencyKey) {
    return post("/v1/requests/" + requestId + "/decision", JSON.createObjectNode().put("verdict", verdict)
        .put("actor", actor).put("comment", "bench").toString(), Cluster.TOKEN, idempotencyKey);
  }

  Reply state(String requestId) {
    return send(request("/v1/requests/" + requestId, Cluster.TOKEN).timeout(Duration.ofSeconds(10)).GET());
  }

  /** The whole audit chain as JSONL, as an auditor downloads it. */
  HttpResponse<String> exportAudit() throws IOException, InterruptedException {
    return client.send(request("/v1/audit/events", Cluster.TOKEN).timeout(Duration.ofMinutes(5)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  Reply post(String path, String body, String token, String idempotencyKey) {
    HttpRequest.Builder b = request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b);
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  Reply send(HttpRequest.Builder request) {
    long start = System.nanoTime();
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      long micros = (System.nanoTime() - start) / 1000;
      JsonNode body = null;
      try {
        body = response.body().isEmpty() ? null : JSON.readTree(response.body());
      } catch (IOException notJson) {
        // kept raw; hostile-input checks want to see it
      }
      return new Reply(response.statusCode(), body, response.body(), micros);
    } catch (IOException e) {
      return new Reply(0, null, e.toString(), (System.nanoTime() - start) / 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Reply(0, null, "interrupted", 0);
    }
  }
}
