package dev.accessflow.worker;

import dev.accessflow.activities.okta.OktaDirectory;
import dev.accessflow.api.catalog.CatalogDraft;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;

/**
 * {@code java -jar accessflow.jar catalog-discover config.yml}: reads the IdP's apps and the groups
 * assigned to each, and prints a draft catalog (every app {@code approved: false}) for an admin to
 * edit. Reads only; changes nothing in the IdP. Exit code 0, or 2 when the IdP could not be read.
 */
public final class CatalogDiscoverCommand extends ConfiguredCommand<AccessflowConfiguration> {

  public CatalogDiscoverCommand() {
    super("catalog-discover", "Prints a draft catalog from the IdP's apps and their assigned groups (all unapproved)");
  }

  @Override
  public void configure(net.sourceforge.argparse4j.inf.Subparser subparser) {
    super.configure(subparser);
    subparser.addArgument("--output").dest("output")
        .help("write the draft to this file instead of standard output (where log lines may also go)");
  }

  @Override
  protected void run(Bootstrap<AccessflowConfiguration> bootstrap, Namespace namespace, AccessflowConfiguration config)
      throws Exception {
    String output = namespace.getString("output");
    int code;
    if (output == null) {
      code = discover(config, System.out, System.err);
    } else {
      try (PrintStream file = new PrintStream(java.nio.file.Files.newOutputStream(java.nio.file.Path.of(output)), true,
          java.nio.charset.StandardCharsets.UTF_8)) {
        code = discover(config, file, System.err);
      }
    }
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Prints the draft and returns the exit code. */
  static int discover(AccessflowConfiguration config, PrintStream out, PrintStream err) {
    List<CatalogDraft.App> apps = new ArrayList<>();
    String source;
    try {
      switch (config.idp.type) {
        case "okta" -> {
          source = "Okta " + config.idp.okta.orgUrl;
          for (OktaDirectory.DiscoveredApp app : OktaDirectory.fromConfig(AccessflowApplication.oktaConfig(config.idp.okta))
              .discoverApps()) {
            apps.add(new CatalogDraft.App(app.id(), app.label(), app.status(), app.groups().stream()
                .map(g -> new CatalogDraft.Group(g.id(), g.name(), g.type())).toList()));
          }
        }
        case "sandbox" -> {
          // The sandbox has groups but no apps: one app holding every group it was configured with.
          // Its groups are the catalog's and the configured extra ones, as the running process builds it.
          source = "the sandbox directory";
          java.util.Set<String> groups = new java.util.TreeSet<>(config.idp.sandbox.groups);
          if (config.catalog != null && java.nio.file.Files.exists(java.nio.file.Path.of(config.catalog))) {
            groups.addAll(dev.accessflow.api.catalog.CatalogFile.load(java.nio.file.Path.of(config.catalog)).groupIds());
          }
          apps.add(new CatalogDraft.App("sandbox", "Sandbox directory", "ACTIVE", groups.stream()
              .map(g -> new CatalogDraft.Group(g, g, null)).toList()));
        }
        default -> {
          err.println("catalog-discover: idp.type '" + config.idp.type + "' is not one of sandbox, okta");
          return 2;
        }
      }
    } catch (RuntimeException e) {
      err.println("catalog-discover: the IdP could not be read: " + (e instanceof io.temporal.failure.ApplicationFailure a
          ? a.getOriginalMessage() : e.getMessage()));
      return 2;
    }
    out.print(CatalogDraft.yaml(source, Clock.systemUTC().instant(), apps));
    err.println("catalog-discover: " + apps.size() + " app(s) from " + source + "; every one is approved: false");
    return 0;
  }
}
