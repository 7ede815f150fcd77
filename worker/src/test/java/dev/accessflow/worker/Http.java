package dev.accessflow.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A tiny JSON client for driving the process through its public endpoints. */
final class Http {
  static final String TOKEN = "test-token-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;

  Http(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  record Reply(int status, JsonNode body) {
    String text(String field) {
      return body.path(field).asText();
    }
  }

  Reply get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN).GET());
  }

  /** The body of a GET as text (an export in JSON Lines or CSV). */
  String getText(String path) {
    return raw(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN).GET()).body();
  }

  /** Polls a request's audit trail in the ledger (written beside the ticket, so it lags) until it contains the text. */
  String awaitTrail(String requestId, String contains, java.time.Duration timeout) {
    String trail = poll(() -> getText("/v1/audit/events?requestId=" + requestId), t -> t.contains(contains), timeout);
    if (!trail.contains(contains)) {
      throw new AssertionError("the audit trail of " + requestId + " has no " + contains + " after " + timeout + ": " + trail);
    }
    return trail;
  }

  /** Polls a GET until its answer satisfies {@code done}, or fails after the timeout with the last answer. */
  Reply await(String path, java.util.function.Predicate<Reply> done, java.time.Duration timeout) {
    Reply reply = poll(() -> get(path), done, timeout);
    if (!done.test(reply)) {
      throw new AssertionError("GET " + path + " did not answer as expected within " + timeout + ": " + reply.body());
    }
    return reply;
  }

  /** Reads until the answer satisfies the test or the timeout passes (the real process runs in real time); the last answer. */
  private static <T> T poll(java.util.function.Supplier<T> read, java.util.function.Predicate<T> done,
      java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T answer = read.get();
    while (!done.test(answer) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      answer = read.get();
    }
    return answer;
  }

  /** The rows of a JSON Lines export. */
  static java.util.List<JsonNode> jsonLines(String text) {
    return text.lines().filter(line -> !line.isBlank()).map(line -> {
      try {
        return JSON.readTree(line);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).toList();
  }

  /** A GET with the given headers (name, value, ...) and no bearer token; the body as text. */
  String getRaw(String path, String... headers) {
    return raw(HttpRequest.newBuilder(URI.create(base + path)).headers(headers).GET()).body();
  }

  /** A JSON POST with the given headers (name, value, ...) and no bearer token; the status. */
  int postRaw(String path, String json, String... headers) {
    return raw(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .headers(headers).POST(HttpRequest.BodyPublishers.ofString(json))).statusCode();
  }

  Reply post(String path, String json) {
    return post(path, json, TOKEN);
  }

  Reply postWithKey(String path, String json, String idempotencyKey) {
    return send(HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + TOKEN)
        .header("Idempotency-Key", idempotencyKey)
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  Reply post(String path, String json, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  /** Polls the request until it is in the status (the real process runs in real time), or fails after the timeout. */
  Reply awaitStatus(String requestId, String status, java.time.Duration timeout) {
    Reply reply = poll(() -> get("/v1/requests/" + requestId), r -> status.equals(r.text("status")), timeout);
    if (!status.equals(reply.text("status"))) {
      throw new AssertionError("request " + requestId + " did not reach " + status + " within " + timeout + ": " + reply.body());
    }
    return reply;
  }

  /** Any method, the body sent chunked (no Content-Length) when asked. */
  Reply request(String method, String path, String body, boolean chunked, String idempotencyKey) {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : chunked ? HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        : HttpRequest.BodyPublishers.ofString(body);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + TOKEN)
        .method(method, publisher);
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b);
  }

  private Reply send(HttpRequest.Builder request) {
    HttpResponse<String> response = raw(request);
    try {
      return new Reply(response.statusCode(), response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HttpResponse<String> raw(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
