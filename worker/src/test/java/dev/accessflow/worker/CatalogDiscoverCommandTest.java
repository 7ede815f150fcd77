package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.catalog.CatalogFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** catalog-discover on the sandbox directory (Okta's listing is tested against its spec in activities). */
class CatalogDiscoverCommandTest {

  @Test
  void printsADraftCatalogThatLoadsAndOffersNothingUntilApproved() {
    AccessflowConfiguration config = new AccessflowConfiguration();
    config.idp.type = "sandbox";
    config.idp.sandbox.groups = List.of("wiki-editors", "wiki-admins");
    config.catalog = "../config/catalog.yml"; // the sandbox's groups are the catalog's too
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = CatalogDiscoverCommand.discover(config, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isZero();
    Catalog draft = CatalogFile.parse(Path.of("draft.yml"), out.toString(StandardCharsets.UTF_8));
    assertThat(draft.groupIds()).contains("wiki-editors", "wiki-admins", "grafana-admins", "sandbox-readers");
    assertThat(draft.requestable().apps()).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("every one is approved: false");
  }

  @Test
  void anUnknownIdpTypeIsExitCodeTwoWithTheReason() {
    AccessflowConfiguration config = new AccessflowConfiguration();
    config.idp.type = "ldap";
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = CatalogDiscoverCommand.discover(config, new PrintStream(new ByteArrayOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("'ldap' is not one of sandbox, okta");
  }

  @Test
  void theCommandIsRegisteredOnTheApplication() {
    var bootstrap = new io.dropwizard.core.setup.Bootstrap<>(new AccessflowApplication());
    new AccessflowApplication().initialize(bootstrap);
    assertThat(bootstrap.getCommands()).extracting(io.dropwizard.core.cli.Command::getName).contains("catalog-discover");
  }
}
