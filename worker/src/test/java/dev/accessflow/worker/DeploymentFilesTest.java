package dev.accessflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The deployment files say what the service accepts: every setting reachable, every documented command runnable. */
class DeploymentFilesTest {
  private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent();
  /** Variables compose deliberately leaves out, each for a reason its comment gives. */
  private static final Set<String> NOT_FOR_COMPOSE = Set.of("PORT", "ADMIN_PORT", "TEMPORAL_EMBEDDED_PORT",
      "ACCESSFLOW_DB_EMBEDDED_PORT", "ACCESSFLOW_DB_EMBEDDED_DIR");

  @Test
  void composePassesEverySettingTheConfigurationReadsFromTheEnvironment() throws IOException {
    Set<String> configured = configured();
    String compose = read("docker-compose.yml");
    // The shared x-accessflow-env block, or an accessflow service's own environment (the run roles).
    Set<String> passed = new TreeSet<>();
    Matcher key = Pattern.compile("(?m)^(?:  |      )([A-Z][A-Z0-9_]*):").matcher(compose);
    while (key.find()) {
      passed.add(key.group(1));
    }
    configured.removeAll(NOT_FOR_COMPOSE);
    assertThat(configured).isNotEmpty();
    assertThat(passed).as("environment passed by docker-compose.yml").containsAll(configured);
  }

  @Test
  void theComposeSetupJobCreatesEverySearchAttributeTheWorkflowsUpsert() throws IOException {
    String setup = Files.readString(REPO.resolve("deploy/temporal/setup.sh"));
    for (var key : dev.accessflow.workflows.AccessflowTemporal.SEARCH_ATTRIBUTES) {
      String type = SearchAttributeSetup.typeName(key.getValueType());
      assertThat(setup).as("deploy/temporal/setup.sh creates " + key.getName()).contains(key.getName() + ":" + type);
    }
  }

  @Test
  void theReadmesTemporalCloudCommandAddsEverySearchAttributeAsTheStartUpLogSays() throws IOException {
    String readme = read("README.md");
    String log = SearchAttributeSetup.refusal("accessflow-prod.a1b2c", io.grpc.Status.PERMISSION_DENIED);
    for (var key : dev.accessflow.workflows.AccessflowTemporal.SEARCH_ATTRIBUTES) {
      String sa = "--sa \"" + key.getName() + "=" + SearchAttributeSetup.typeName(key.getValueType()) + "\"";
      assertThat(readme).as("README's tcld command adds " + key.getName()).contains(sa);
      assertThat(log).contains(sa);
    }
    assertThat(log).contains("tcld namespace search-attributes add --namespace accessflow-prod.a1b2c",
        "temporal operator search-attribute create --namespace accessflow-prod.a1b2c");
  }

  @Test
  void theReadmesConfigurationTableNamesEveryVariable() throws IOException {
    String readme = read("README.md");
    String table = readme.substring(readme.indexOf("## Configuration"), readme.indexOf("## Approval policy"));
    List<String> missing = new ArrayList<>();
    for (String variable : configured()) {
      if (!table.contains("`" + variable + "`")) {
        missing.add(variable);
      }
    }
    assertThat(missing).as("variables of config/accessflow.yml missing from the README's configuration table").isEmpty();
  }

  private static Set<String> configured() throws IOException {
    Set<String> configured = new TreeSet<>();
    Matcher variable = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)").matcher(read("config/accessflow.yml").replaceAll("(?m)^\\s*#.*$", ""));
    while (variable.find()) {
      configured.add(variable.group(1));
    }
    return configured;
  }

  @Test
  void everyDocumentedApiTokenIsLongEnoughForTheServiceToStart() throws IOException {
    List<String> tooShort = new ArrayList<>();
    Pattern assignment = Pattern.compile("ACCESSFLOW_API_TOKEN=(\\S+)");
    for (String file : List.of("README.md", "docs/deployment.md", "docker-compose.yml", "Dockerfile")) {
      Matcher m = assignment.matcher(read(file));
      while (m.find()) {
        String value = m.group(1);
        // A command substitution makes a fresh token; anything literal must pass the 16-character rule.
        if (!value.startsWith("$(") && value.length() < 16) {
          tooShort.add(file + ": " + value);
        }
      }
    }
    assertThat(tooShort).as("tokens accessflow refuses at start-up (under 16 characters)").isEmpty();
  }

  private static String read(String file) throws IOException {
    return Files.readString(REPO.resolve(file));
  }
}
