package dev.accessflow.worker;

import dev.accessflow.activities.entra.EntraConfig;
import dev.accessflow.activities.entra.EntraDirectory;
import dev.accessflow.activities.google.GoogleConfig;
import dev.accessflow.activities.google.GoogleDirectory;
import dev.accessflow.activities.idp.Directories;
import dev.accessflow.activities.idp.IdpOutageGate;
import dev.accessflow.activities.okta.OktaCatalogCheck;
import dev.accessflow.activities.okta.OktaDirectory;
import dev.accessflow.activities.sandbox.SandboxDirectory;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.workflows.ports.IdentityProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity directories this process is configured for: {@code idp.type} (who a person is, and
 * every unprefixed catalog group), and the directories of {@code idp.also}, whose groups the
 * catalog names with a prefix ({@code entra:…}, {@code google:…}, {@code okta:…}). Each directory's
 * catalog groups are checked at start-up, and anything wrong stops the process, named.
 */
final class ConfiguredDirectories {
  private static final Logger log = LoggerFactory.getLogger(ConfiguredDirectories.class);

  /** What the process runs on: the IdP port, the inventory's listing, group names by catalog id, and the sandbox if it is one. */
  record Wired(IdentityProvider idp, GroupDirectory groups, Map<String, String> names, SandboxDirectory sandbox) {}

  private final AccessflowConfiguration config;
  private final AccessflowMetrics metrics;

  ConfiguredDirectories(AccessflowConfiguration config, AccessflowMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  Wired wire(Catalog catalog) {
    String primary = config.idp.type;
    List<String> also = also();
    Map<String, List<String>> groups = Directories.byDirectory(catalog.groupIds(), primary);
    List<String> problems = new ArrayList<>();
    for (String named : groups.keySet()) {
      if (!named.equals(primary) && !also.contains(named)) {
        problems.add("catalog groups " + groups.get(named) + " name directory " + named + ", which is neither idp.type ("
            + primary + ") nor in idp.also (ACCESSFLOW_IDP_ALSO)");
      }
    }
    for (String name : also) {
      if (!Directories.NAMES.contains(name) || name.equals(primary)) {
        problems.add("idp.also: '" + name + "' is not one of " + Directories.NAMES + " other than idp.type");
      }
    }
    if (!also.isEmpty() && !Directories.NAMES.contains(primary)) {
      problems.add("idp.also needs idp.type to be one of " + Directories.NAMES + " (the sandbox stands alone)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("config idp:\n" + String.join("\n", problems));
    }
    if ("sandbox".equals(primary)) {
      TreeSet<String> all = new TreeSet<>(catalog.groupIds());
      all.addAll(config.idp.sandbox.groups);
      SandboxDirectory sandbox = new SandboxDirectory(config.idp.sandbox.users, all);
      log.warn("IdP: the local SANDBOX directory ({} users, {} groups), in memory; no real access is granted",
          config.idp.sandbox.users.size(), all.size());
      return new Wired(sandbox, sandbox, Map.of(), sandbox);
    }
    Map<String, String> names = new LinkedHashMap<>();
    Directories.Directory first = directory(primary, groups.getOrDefault(primary, List.of()), names, "");
    if (also.isEmpty()) {
      return new Wired(first.idp(), first.groups(), Map.copyOf(names), null);
    }
    List<Directories.Directory> others = new ArrayList<>();
    for (String name : also) {
      others.add(directory(name, groups.getOrDefault(name, List.of()), names, name + ":"));
    }
    Directories directories = new Directories(first, others);
    log.info("IdP: {} for people and unprefixed groups; also {}", primary, also);
    return new Wired(directories, directories, Map.copyOf(names), null);
  }

  private List<String> also() {
    String value = config.idp.also == null ? "" : config.idp.also;
    return Arrays.stream(value.split(",")).map(String::strip).filter(v -> !v.isEmpty()).distinct().toList();
  }

  /** One directory, its catalog groups checked; their names land in {@code names} under {@code prefix + id}. */
  private Directories.Directory directory(String name, Collection<String> groupIds, Map<String, String> names, String prefix) {
    switch (name) {
      case "okta" -> {
        var okta = config.idp.okta;
        OktaDirectory directory = OktaDirectory.fromConfig(AccessflowApplication.oktaConfig(okta), metrics);
        if (okta.checkCatalogGroups) {
          OktaCatalogCheck check = new OktaCatalogCheck(directory);
          List<String> problems = check.check(groupIds);
          check.names().forEach((id, n) -> names.put(prefix + id, n));
          refuse(problems, "Okta " + okta.orgUrl);
        }
        log.info("IdP: Okta at {}", okta.orgUrl);
        // While Okta is down, one call probes it and the rest wait here: they go the moment it answers.
        return new Directories.Directory(name, IdpOutageGate.around(directory, "Okta"), directory, directory, directory::userId);
      }
      case "entra" -> {
        EntraConfig entra = AccessflowApplication.entraConfig(config.idp.entra);
        if (!entra.problems().isEmpty()) {
          throw new IllegalStateException("config idp.entra:\n" + String.join("\n", entra.problems()));
        }
        EntraDirectory directory = EntraDirectory.fromConfig(entra);
        if (config.idp.entra.checkCatalogGroups) {
          EntraDirectory.CatalogCheck check = directory.checkCatalog(groupIds);
          check.names().forEach((id, n) -> names.put(prefix + id, n));
          refuse(check.problems(), "Entra tenant " + entra.tenantId());
        }
        log.info("IdP: Entra ID tenant {} through {}", entra.tenantId(), entra.graphUrl());
        return new Directories.Directory(name, IdpOutageGate.around(directory, "Entra ID"), directory, directory,
            directory::userId);
      }
      case "google" -> {
        var settings = config.idp.google;
        GoogleConfig google = new GoogleConfig(settings.serviceAccountKey, settings.adminEmail, settings.customer,
            settings.rootUrl, settings.requestTimeout);
        if (!google.problems().isEmpty()) {
          throw new IllegalStateException("config idp.google:\n" + String.join("\n", google.problems()));
        }
        GoogleDirectory directory = GoogleDirectory.fromConfig(google);
        if (settings.checkCatalogGroups) {
          GoogleDirectory.CatalogCheck check = directory.checkCatalog(groupIds);
          check.names().forEach((id, n) -> names.put(prefix + id, n));
          refuse(check.problems(), "Google Workspace (as " + google.adminEmail() + ")");
        }
        log.info("IdP: Google Workspace as {}", google.adminEmail());
        // A member key may be the email itself: a removal needs no lookup.
        return new Directories.Directory(name, IdpOutageGate.around(directory, "Google Workspace"), directory, directory,
            login -> login);
      }
      default -> throw new IllegalStateException("config idp.type: '" + name + "' is not one of sandbox, okta, entra, google");
    }
  }

  private void refuse(List<String> problems, String where) {
    if (!problems.isEmpty()) {
      throw new IllegalStateException("catalog " + config.catalog + " does not match " + where + ":\n"
          + String.join("\n", problems));
    }
  }
}
