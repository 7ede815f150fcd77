package dev.accessflow.activities.okta;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Names (never values) of the configuration the Okta SDK's builder would pick up on its own:
 * {@code OKTA_*} environment variables, {@code okta.*} system properties, {@code ~/.okta/okta.yaml}
 * and classpath {@code okta.yaml}/{@code okta.properties}. accessflow configures the SDK explicitly;
 * these are reported so a stray developer file or variable is visible, and tests assert there are none.
 */
final class OktaAmbientSettings {
  private OktaAmbientSettings() {}

  static Set<String> present() {
    return present(System.getenv(), System.getProperties().stringPropertyNames(), System.getProperty("user.home"));
  }

  static Set<String> present(Map<String, String> env, Set<String> systemProperties, String userHome) {
    Set<String> found = new TreeSet<>();
    env.keySet().stream().filter(k -> k.startsWith("OKTA_")).forEach(k -> found.add("env " + k));
    systemProperties.stream().filter(k -> k.startsWith("okta.")).forEach(k -> found.add("system property " + k));
    if (userHome != null) {
      Path yaml = Path.of(userHome, ".okta", "okta.yaml");
      if (Files.exists(yaml)) {
        found.add("file " + yaml);
      }
    }
    ClassLoader loader = OktaAmbientSettings.class.getClassLoader();
    for (String resource : new String[] {"okta.yaml", "okta.properties", "com/okta/sdk/config/okta.yaml",
        "com/okta/sdk/config/okta.properties"}) {
      java.net.URL url = loader.getResource(resource);
      // The SDK's own jar ships com/okta/sdk/config/okta.properties with its defaults (4 retries,
      // a 300 s cache): not ambient, and overridden by buildApiClient.
      if (url != null && !url.toString().contains("okta-sdk-impl")) {
        found.add("classpath " + resource);
      }
    }
    return found;
  }
}
