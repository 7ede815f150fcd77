package dev.accessflow.activities.okta;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.accessflow.activities.okta.OktaDirectoryTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Catalog discovery against a WireMock Okta: apps and their assigned groups, each paged by Link; checked against Okta's spec. */
class OktaAppDiscoveryTest {
  private final OktaStub okta = new OktaStub();

  @AfterEach
  void checkContract() {
    okta.close();
  }

  private static String app(String id, String label, String status) {
    return """
        {"id":"%s","name":"bookmark","label":"%s","status":"%s","signOnMode":"BOOKMARK",
         "created":"2025-01-01T00:00:00.000Z","settings":{"app":{"url":"https://%s.example.com"}}}"""
        .formatted(id, label, status, id);
  }

  private static String assignment(String groupId, String name, String type) {
    return """
        {"id":"%s","priority":0,"profile":{},
         "_embedded":{"group":{"id":"%s","type":"%s","profile":{"name":"%s","description":"x"}}}}"""
        .formatted(groupId, groupId, type, name);
  }

  private static String next(String path, String after) {
    return "<" + OktaStub.ORG_URL + path + "?after=" + after + "&limit=200>; rel=\"next\"";
  }

  @Test
  void readsEveryAppAndTheGroupsAssignedToEachAcrossPages() {
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/apps")).withQueryParam("after", absent())
        .willReturn(json(200, "[" + app("0oaGRAF", "Grafana", "ACTIVE") + "]")
            .withHeader("Link", next("/api/v1/apps", "0oaGRAF"))));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/apps")).withQueryParam("after", equalTo("0oaGRAF"))
        .willReturn(json(200, "[" + app("0oaFIGMA", "Figma", "INACTIVE") + "]")));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/apps/0oaGRAF/groups")).withQueryParam("after", absent())
        .willReturn(json(200, "[" + assignment("00gVIEW", "grafana-viewers", "OKTA_GROUP") + "]")
            .withHeader("Link", next("/api/v1/apps/0oaGRAF/groups", "00gVIEW"))));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/apps/0oaGRAF/groups")).withQueryParam("after", equalTo("00gVIEW"))
        .willReturn(json(200, "[" + assignment("00gAD", "AD grafana", "APP_GROUP") + "]")));
    okta.wireMock.stubFor(get(urlPathEqualTo("/api/v1/apps/0oaFIGMA/groups")).willReturn(json(200, "[]")));

    List<OktaDirectory.DiscoveredApp> apps = okta.directory().discoverApps();

    assertThat(apps).extracting(OktaDirectory.DiscoveredApp::label).containsExactly("Grafana", "Figma");
    assertThat(apps.get(0).status()).isEqualTo("ACTIVE");
    assertThat(apps.get(0).groups()).containsExactly(
        new OktaDirectory.OktaGroup("00gVIEW", "grafana-viewers", "OKTA_GROUP"),
        new OktaDirectory.OktaGroup("00gAD", "AD grafana", "APP_GROUP"));
    assertThat(apps.get(1).groups()).isEmpty();
    okta.wireMock.verify(getRequestedFor(urlPathEqualTo("/api/v1/apps/0oaGRAF/groups"))
        .withQueryParam("expand", equalTo("group")));
  }
}
