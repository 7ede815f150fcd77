package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.accessflow.activities.idp.Directories;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Start-up refuses a catalog whose groups name a directory the process is not configured for, naming them. */
class ConfiguredDirectoriesTest {
  private static Catalog catalog(String groups) {
    return CatalogFile.parse(Path.of("catalog.yml"), """
        apps:
          wiki:
            name: Wiki
            owners: [omar@acme.example]
            roles:
              editor:
                name: Editor
                groups: %s
                risk: low
                durations: [PT1H]
                maxDuration: PT1H
        """.formatted(groups));
  }

  private static AccessflowConfiguration config(String type, String also) {
    AccessflowConfiguration config = new AccessflowConfiguration();
    config.idp.type = type;
    config.idp.also = also;
    return config;
  }

  @Test
  void aGroupOfAnUnconfiguredDirectoryStopsStartUpNamingIt() {
    assertThatThrownBy(() -> new ConfiguredDirectories(config("entra", ""), AccessflowMetrics.none())
        .wire(catalog("[9e9e9e9e-aaaa-4bbb-8ccc-dddddddddddd, google:eng@acme.example]")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("catalog groups [eng@acme.example] name directory google")
        .hasMessageContaining("idp.also");
  }

  @Test
  void anUnknownOrRepeatedDirectoryInAlsoIsNamedAndTheSandboxStandsAlone() {
    assertThatThrownBy(() -> new ConfiguredDirectories(config("entra", "entra, ldap"), AccessflowMetrics.none())
        .wire(catalog("[g1]")))
        .hasMessageContaining("idp.also: 'entra' is not one of")
        .hasMessageContaining("idp.also: 'ldap' is not one of");
    assertThatThrownBy(() -> new ConfiguredDirectories(config("sandbox", "google"), AccessflowMetrics.none())
        .wire(catalog("[g1]")))
        .hasMessageContaining("the sandbox stands alone");
  }

  @Test
  void groupIdsSplitByTheirPrefix() {
    assertThat(Directories.byDirectory(List.of("00gA", "google:eng@acme.example", "entra:9e9e", "okta:00gB"), "okta"))
        .isEqualTo(Map.of("okta", List.of("00gA", "00gB"), "google", List.of("eng@acme.example"), "entra", List.of("9e9e")));
    assertThat(Directories.split("google:saml:Wiki")).isEqualTo(Map.entry("google", "saml:Wiki"));
    assertThat(Directories.split("plain").getKey()).isNull();
  }
}
