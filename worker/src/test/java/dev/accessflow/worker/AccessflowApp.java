package dev.accessflow.worker;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.ArrayList;
import java.util.List;

/** The real process in embedded mode, on free ports, with the shipped config and catalog. */
final class AccessflowApp {
  private AccessflowApp() {}

  static DropwizardAppExtension<AccessflowConfiguration> embedded(ConfigOverride... extra) {
    List<ConfigOverride> overrides = new ArrayList<>(List.of(
        ConfigOverride.config("catalog", "../config/catalog.yml"),
        ConfigOverride.config("temporal.embeddedPort", "0"),
        ConfigOverride.config("server.applicationConnectors[0].port", "0"),
        ConfigOverride.config("server.adminConnectors[0].port", "0"),
        ConfigOverride.config("apiTokens[0].token", Http.TOKEN),
        ConfigOverride.config("logging.level", "WARN")));
    overrides.addAll(List.of(extra));
    return new DropwizardAppExtension<>(AccessflowApplication.class, "../config/accessflow.yml",
        overrides.toArray(ConfigOverride[]::new));
  }
}
