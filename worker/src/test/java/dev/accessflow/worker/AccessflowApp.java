package dev.accessflow.worker;

import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import java.util.ArrayList;
import java.util.List;

/** The real process in embedded mode, on free ports, with the shipped config and catalog. */
final class AccessflowApp {
  private AccessflowApp() {}

  /** The shipped catalog with {@code lines} inserted after the line {@code marker}, as a temporary file. */
  static java.nio.file.Path shippedCatalogWith(String marker, String lines) {
    try {
      String shipped = java.nio.file.Files.readString(java.nio.file.Path.of("../config/catalog.yml"));
      if (!shipped.contains(marker)) {
        throw new IllegalStateException("the shipped catalog no longer has the line " + marker.strip());
      }
      java.nio.file.Path file = java.nio.file.Files.createTempFile("catalog-test", ".yml");
      java.nio.file.Files.writeString(file, shipped.replace(marker, marker + lines));
      file.toFile().deleteOnExit();
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static DropwizardAppExtension<AccessflowConfiguration> embedded(ConfigOverride... extra) {
    return embedded(java.nio.file.Path.of("../config/catalog.yml"), extra);
  }

  /**
   * The same with another catalog. Never as a second {@code catalog} override: Dropwizard keeps the
   * overrides in a Set, so which of two values for one key won changed from run to run (the cause
   * of ReviewScheduleEndToEndTest's 1-in-5 failures: it sometimes ran on the shipped catalog).
   */
  static DropwizardAppExtension<AccessflowConfiguration> embedded(java.nio.file.Path catalog, ConfigOverride... extra) {
    return embedded(catalog, "WARN", extra);
  }

  /** The same at another root log level (a second logging.level override would race, as above). */
  static DropwizardAppExtension<AccessflowConfiguration> embedded(java.nio.file.Path catalog, String logLevel,
      ConfigOverride... extra) {
    List<ConfigOverride> overrides = new ArrayList<>(List.of(
        ConfigOverride.config("catalog", catalog.toString()),
        ConfigOverride.config("temporal.embeddedPort", "0"),
        ConfigOverride.config("server.applicationConnectors[0].port", "0"),
        ConfigOverride.config("server.adminConnectors[0].port", "0"),
        ConfigOverride.config("apiTokens[0].token", Http.TOKEN),
        ConfigOverride.config("logging.level", logLevel)));
    overrides.addAll(List.of(extra));
    return new DropwizardAppExtension<>(AccessflowApplication.class, "../config/accessflow.yml",
        overrides.toArray(ConfigOverride[]::new));
  }
}
