package dev.accessflow.activities.jira;

import dev.accessflow.workflows.model.RequestPolicy;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.accessflow.activities.contract.OpenApiContract;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A WireMock Jira on a free loopback port, plus the checks every Jira test ends with: every
 * request allowed by Atlassian's OpenAPI document (with Basic auth), and every ADF body valid.
 */
final class JiraStub implements AutoCloseable {
  static final String TOKEN = "atl-TEST-token-0123456789";
  static final String EMAIL = "bot@acme.example";
  static final ObjectMapper JSON = new ObjectMapper();

  private static final OpenApiContract CONTRACT =
      OpenApiContract.load(OpenApiContract.vendorSpec("jira/swagger-v3.v3.json"))
          .requireHeader("Authorization", "Basic [A-Za-z0-9+/]+=*")
          .requireHeader("Accept", "application/json");

  final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

  JiraStub() {
    server.start();
  }

  JiraConfig config() {
    return new JiraConfig(URI.create(server.baseUrl() + "/"), EMAIL, TOKEN, "ACC", "Access request",
        new JiraConfig.CustomFields("customfield_10100", "customfield_10101", "customfield_10102", "customfield_10103",
            "customfield_10104", null),
        Map.of(AuditKind.REVOCATION_OVERDUE, "Revocation overdue"),
        JiraConfig.defaultStatusMap(), Duration.ofSeconds(5), null);
  }

  JiraClient client() {
    return JiraClient.create(config());
  }

  static AccessRequest request(String requestId, String ticketKey) {
    return new AccessRequest(requestId, "ada@acme.example", "github", "admin", List.of("gh-admins"), "high",
        Duration.ofHours(4), Duration.ofHours(12), "Fix the release pipeline\nsecond line", Channel.SLACK,
        List.of(ApprovalStage.of("manager", List.of("grace@acme.example"), 1)), Duration.ofHours(1), ticketKey, RequestPolicy.NONE, Map.of(), null);
  }

  /** Asserts every received request is allowed by the Jira spec; returns how many there were. */
  int assertContract() {
    int checked = CONTRACT.assertAllowed(server);
    for (JsonNode body : adfBodies()) {
      assertThat(Adf.problems(body)).as("ADF problems in %s", body).isEmpty();
    }
    return checked;
  }

  /** Every ADF document sent, oldest first: comment bodies and issue descriptions. */
  List<JsonNode> adfBodies() {
    List<JsonNode> docs = new ArrayList<>();
    List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
    // WireMock lists the newest first (and log dates are only millisecond-precise).
    Collections.reverse(events);
    for (ServeEvent event : events) {
      String url = event.getRequest().getUrl();
      if (!event.getRequest().getMethod().getName().equals("POST")) {
        continue;
      }
      if (url.matches("/rest/api/3/issue/[^/]+/comment.*")) {
        docs.add(body(event).get("body"));
      } else if (url.startsWith("/rest/api/3/issue") && !url.contains("/transitions")) {
        docs.add(body(event).path("fields").get("description"));
      }
    }
    return docs;
  }

  static JsonNode body(ServeEvent event) {
    try {
      return JSON.readTree(event.getRequest().getBody());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.stop();
  }
}
