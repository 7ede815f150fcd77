package dev.accessflow.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.dropwizard.testing.ConfigOverride;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A WireMock Slack Web API (free port) that knows the sandbox people, plus a response_url sink. */
final class SlackStub {
  /** Slack user id, DM channel id, and the ts of the prompt posted to them, per sandbox person. */
  record Person(String email, String userId, String dmChannel, String promptTs) {}

  static final Person DANA = new Person("dana@example.com", "UDANA", "DDANA", "2000.000100");
  static final Person MARIA = new Person("maria@example.com", "UMARIA", "DMARIA", "1000.000100");
  static final Person OMAR = new Person("omar@example.com", "UOMAR", "DOMAR", "1000.000200");
  /** On Slack, but not in the sandbox directory (left the company, or a guest). */
  static final Person GHOST = new Person("ghost@example.com", "UGHOST", "DGHOST", "3000.000100");

  final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().containerThreads(64));

  SlackStub() {
    server.start();
    server.stubFor(post(urlPathEqualTo("/api/auth.test")).willReturn(okJson(
        "{\"ok\":true,\"url\":\"https://acme.slack.com/\",\"team\":\"Acme\",\"user\":\"accessflow\",\"team_id\":\"T1\",\"user_id\":\"UBOT\",\"bot_id\":\"B1\"}")));
    server.stubFor(post(urlPathEqualTo("/api/auth.test")).withHeader("Authorization", containing("xoxb-revoked"))
        .willReturn(okJson("{\"ok\":false,\"error\":\"invalid_auth\"}")));
    for (Person p : List.of(DANA, MARIA, OMAR, GHOST)) {
      server.stubFor(post(urlPathEqualTo("/api/users.info")).withRequestBody(containing("user=" + p.userId()))
          .willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"" + p.userId() + "\",\"is_bot\":false,\"profile\":{\"email\":\""
              + p.email().toUpperCase() + "\"}}}")));
      server.stubFor(post(urlPathEqualTo("/api/users.lookupByEmail"))
          .withRequestBody(containing("email=" + p.email().replace("@", "%40")))
          .willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"" + p.userId() + "\"}}")));
      server.stubFor(post(urlPathEqualTo("/api/chat.postMessage")).withRequestBody(containing("channel=" + p.userId()))
          .willReturn(okJson("{\"ok\":true,\"channel\":\"" + p.dmChannel() + "\",\"ts\":\"" + p.promptTs() + "\"}")));
    }
    // Anyone else has no Slack account: Slack answers 200 with users_not_found, as it does.
    server.stubFor(post(urlPathEqualTo("/api/users.lookupByEmail")).atPriority(10)
        .willReturn(okJson("{\"ok\":false,\"error\":\"users_not_found\"}")));
    server.stubFor(post(urlPathEqualTo("/api/chat.update")).willReturn(okJson("{\"ok\":true}")));
    server.stubFor(post(urlPathEqualTo("/api/views.open")).willReturn(okJson("{\"ok\":true,\"view\":{\"id\":\"V1\"}}")));
    server.stubFor(post(urlPathEqualTo("/api/views.update")).willReturn(okJson("{\"ok\":true,\"view\":{\"id\":\"V1\"}}")));
    server.stubFor(post(urlPathMatching("/respond/.*")).willReturn(okJson("{\"ok\":true}")));
  }

  ConfigOverride[] config(String token) {
    return new ConfigOverride[] {
        ConfigOverride.config("slack.botToken", token),
        ConfigOverride.config("slack.signingSecret", SlackPayloads.SECRET),
        ConfigOverride.config("slack.apiUrl", server.baseUrl() + "/api/"),
        ConfigOverride.config("slack.jiraBrowseUrl", "https://acme.atlassian.net/browse/")};
  }

  String responseUrl(String name) {
    return server.baseUrl() + "/respond/" + name;
  }

  /** Form fields of every call to one Web API method, in order. */
  List<Map<String, String>> calls(String method) {
    return server.findAll(postRequestedFor(urlPathEqualTo("/api/" + method))).stream().map(SlackStub::form).toList();
  }

  List<String> responses(String name) {
    return server.findAll(postRequestedFor(urlPathEqualTo("/respond/" + name))).stream()
        .map(LoggedRequest::getBodyAsString).toList();
  }

  /** Waits until a call to the method matches. */
  Map<String, String> await(String method, Predicate<Map<String, String>> match, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (Map<String, String> call : calls(method)) {
        if (match.test(call)) {
          return call;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no matching " + method + " within " + timeout + "; calls: " + calls(method));
  }

  String awaitResponse(String name, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      List<String> bodies = responses(name);
      if (!bodies.isEmpty()) {
        return bodies.get(0);
      }
      Thread.sleep(50);
    }
    throw new AssertionError("nothing posted to response_url " + name + " within " + timeout);
  }

  void stop() {
    server.stop();
  }

  static Map<String, String> form(LoggedRequest request) {
    Map<String, String> form = new LinkedHashMap<>();
    String body = request.getBodyAsString();
    if (body.isEmpty()) {
      return form;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }
}
