package dev.accessflow.activities.jira;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.activities.contract.OpenApiContract;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shows the Jira contract check has teeth: calls a careless client could make are reported, so
 * the green checks after each adapter test mean something.
 */
class JiraSpecContractTest {
  private final JiraStub jira = new JiraStub();
  private final HttpClient http = HttpClient.newHttpClient();
  private final OpenApiContract contract = OpenApiContract.load(OpenApiContract.vendorSpec("jira/swagger-v3.v3.json"))
      .requireHeader("Authorization", "Basic [A-Za-z0-9+/]+=*");

  @AfterEach
  void stop() {
    jira.close();
  }

  @Test
  void reportsAPropertyTheSearchBodyDoesNotHave() throws Exception {
    // The enhanced search takes nextPageToken, not the old endpoint's startAt.
    send("POST", "/rest/api/3/search/jql", "{\"jql\":\"project = ACC\",\"startAt\":0}");

    assertThat(contract.violations(jira.server)).singleElement().asString().contains("startAt");
  }

  @Test
  void reportsATransitionIdSentAsAString() throws Exception {
    send("POST", "/rest/api/3/issue/ACC-1/transitions", "{\"transition\":\"31\"}");

    assertThat(contract.violations(jira.server)).isNotEmpty();
  }

  @Test
  void reportsAnUnknownPathAndAMissingAuthorization() throws Exception {
    send("GET", "/rest/api/3/issues/ACC-1", null);

    List<String> violations = contract.violations(jira.server);
    assertThat(violations).anySatisfy(v -> assertThat(v).contains("missing"));
    assertThat(violations).anySatisfy(v -> assertThat(v).contains("validation.request.path.missing"));
  }

  private void send(String method, String path, String json) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(jira.server.baseUrl() + path))
        .header("Accept", "application/json");
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json").header("Authorization", "Basic Ym90OnRva2Vu")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    http.send(request.build(), HttpResponse.BodyHandlers.discarding());
  }
}
