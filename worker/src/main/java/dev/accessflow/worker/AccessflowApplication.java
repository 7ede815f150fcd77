package dev.accessflow.worker;

import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.ReviewDecisions;
import dev.accessflow.api.ReviewGateway;
import dev.accessflow.api.rest.ReviewResource;
import dev.accessflow.ledger.ReviewLedger;
import dev.accessflow.ledger.ReviewRecommendations;
import dev.accessflow.workflows.model.Revocation;
import dev.accessflow.workflows.ports.ReviewMessages;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.accessflow.activities.jira.JiraClient;
import dev.accessflow.activities.jira.JiraConfig;
import dev.accessflow.activities.jira.JiraTickets;
import dev.accessflow.activities.jira.JiraWebhookSignature;
import dev.accessflow.activities.idp.MeteredIdentityProvider;
import dev.accessflow.api.WebhookMetricsFilter;
import dev.accessflow.ledger.LedgerGauges;
import dev.accessflow.workflows.ports.AccessflowMetrics;
import dev.accessflow.activities.leases.TemporalMembershipLeases;
import dev.accessflow.activities.local.LogOnlyTickets;
import dev.accessflow.activities.local.NoChat;
import dev.accessflow.activities.entra.EntraConfig;
import dev.accessflow.activities.okta.OktaConfig;
import dev.accessflow.activities.okta.OktaDirectory;
import dev.accessflow.activities.sandbox.SandboxDirectory;
import dev.accessflow.api.ReclaimGateway;
import dev.accessflow.api.catalog.CatalogApp;
import dev.accessflow.api.ReclaimKeeps;
import dev.accessflow.api.ReclaimSignIns;
import dev.accessflow.api.rest.ReclaimResource;
import dev.accessflow.ledger.ReclaimLedger;
import dev.accessflow.workflows.ports.AppSignIns;
import dev.accessflow.workflows.ports.ReclaimMessages;
import dev.accessflow.api.AccessRequestGateway;
import dev.accessflow.api.AccessRequestIntake;
import dev.accessflow.api.InventoryGateway;
import dev.accessflow.api.okta.OktaEventHookResource;
import dev.accessflow.api.rest.InventoryResource;
import dev.accessflow.ledger.DriftFindings;
import dev.accessflow.ledger.InventoryLedger;
import dev.accessflow.ledger.InventoryQueries;
import dev.accessflow.workflows.ports.ApprovalChat;
import dev.accessflow.workflows.ports.GroupDirectory;
import dev.accessflow.api.LedgerHealthCheck;
import dev.accessflow.api.TemporalHealthCheck;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.jira.JiraWebhookResource;
import dev.accessflow.api.jira.JiraWebhookSettings;
import dev.accessflow.api.jira.WebhookSignatureVerifier;
import dev.accessflow.api.catalog.CatalogFile;
import dev.accessflow.api.rest.AccessRequestResource;
import dev.accessflow.api.rest.ApiErrorMappers;
import dev.accessflow.api.rest.AuditResource;
import dev.accessflow.ledger.AuditExport;
import dev.accessflow.ledger.LedgerDatabase;
import dev.accessflow.ledger.LedgerQueries;
import dev.accessflow.ledger.PostgresLedger;
import dev.accessflow.api.rest.BearerTokenFilter;
import dev.accessflow.api.rest.Caller;
import io.dropwizard.auth.AuthValueFactoryProvider;
import dev.accessflow.api.rest.CatalogResource;
import dev.accessflow.api.rest.StrictJson;
import dev.accessflow.workflows.ports.AccessTickets;
import dev.accessflow.workflows.ports.IdentityProvider;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The accessflow process: Temporal worker and/or REST API, wired by hand from the configuration. */
public final class AccessflowApplication extends Application<AccessflowConfiguration> {
  private static final Logger log = LoggerFactory.getLogger(AccessflowApplication.class);

  /** The sandbox directory of this process when idp.type is sandbox (for tests and the sandbox endpoint). */
  private SandboxDirectory sandbox;
  /** Group id to the IdP's group name, where the IdP was asked at start-up (Okta's catalog check). */
  private Map<String, String> groupNames = Map.of();
  private LedgerDatabase ledgerDatabase;
  /** The IdP's group listing for the inventory; null when the IdP cannot list groups. */
  private GroupDirectory groupDirectory;

  public static void main(String[] args) throws Exception {
    new AccessflowApplication().run(args);
  }

  @Override
  public String getName() {
    return "accessflow";
  }

  @Override
  public void initialize(Bootstrap<AccessflowConfiguration> bootstrap) {
    bootstrap.setConfigurationSourceProvider(new SubstitutingSourceProvider(
        bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false)));
    bootstrap.addCommand(new AuditVerifyCommand());
    bootstrap.addCommand(new CatalogDiscoverCommand());
  }

  @Override
  public void run(AccessflowConfiguration config, Environment environment) {
    environment.getObjectMapper()
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
    StrictJson.configure(environment.getObjectMapper());

    // A bad catalog stops the process here, with every problem named.
    Catalog catalog = CatalogFile.load(Path.of(config.catalog));
    log.info("catalog {}: {} apps, {} IdP groups", config.catalog, catalog.apps().size(), catalog.groupIds().size());

    checkInventory(config.inventory);
    var temporal = config.temporal;
    PrometheusMetrics prometheus = config.prometheus.enabled ? new PrometheusMetrics(config.prometheus.refreshEvery) : null;
    AccessflowMetrics metrics = prometheus != null ? prometheus.metrics() : AccessflowMetrics.none();
    listenOn(config);
    // The ledger first: its migrations run before the worker writes it or the API reads it.
    LedgerDatabase ledgerDatabase = LedgerDatabase.start(config.ledger.settings());
    environment.lifecycle().manage(new io.dropwizard.lifecycle.Managed() {
      @Override
      public void stop() {
        ledgerDatabase.close();
      }
    });
    LedgerQueries ledgerQueries = new LedgerQueries(ledgerDatabase.jdbi());
    environment.healthChecks().register("ledger", new LedgerHealthCheck(ledgerQueries, ledgerDatabase.where()));
    this.ledgerDatabase = ledgerDatabase;
    if (prometheus != null) {
      prometheus.serve(environment);
      prometheus.watch(new LedgerGauges(ledgerDatabase.jdbi(), java.time.Clock.systemUTC(), metrics));
      environment.lifecycle().manage(prometheus);
    }
    String target = temporal.target;
    if (temporal.embedded()) {
      EmbeddedTemporal embedded = EmbeddedTemporal.start(temporal.embeddedPort);
      environment.lifecycle().manage(embedded);
      target = embedded.target();
    }
    // TLS, mTLS and API keys for a cluster (Temporal Cloud); every bad setting stops start-up, named.
    WorkflowServiceStubsOptions.Builder stubs = TemporalConnection.options(temporal, target);
    if (prometheus != null) {
      stubs.setMetricsScope(prometheus.temporalScope());
    }
    WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(stubs.build());
    WorkflowClient client = WorkflowClient.newInstance(service,
        WorkflowClientOptions.newBuilder().setNamespace(temporal.namespace).build());
    if (temporal.registerSearchAttributes) {
      SearchAttributeSetup.ensure(service, temporal.namespace, temporal.apiKey);
    }
    // Jetty's own errors (a bad URI at the server, a disallowed method such as TRACE in a context) in our JSON shape.
    JsonErrorPages errorPages = new JsonErrorPages(environment.getObjectMapper());
    environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(errorPages));
    environment.getApplicationContext().setErrorHandler(errorPages);
    environment.getAdminContext().setErrorHandler(errorPages);
    environment.healthChecks().register("temporal", new TemporalHealthCheck(service, target));

    SlackWiring slack = config.slack.enabled() ? new SlackWiring(config.slack, java.time.Clock.systemUTC()) : null;
    if (slack != null) {
      environment.lifecycle().manage(slack); // auth.test at start-up: a bad token stops the process
    } else {
      log.info("chat: no Slack configured (slack.botToken); approvers are asked through REST or Jira only");
    }

    // Built for the API too: intake asks it whether a requester exists and may be granted access.
    IdentityProvider idp = new MeteredIdentityProvider(identityProvider(config, catalog, metrics), config.idp.type, metrics);
    java.time.Clock clock = java.time.Clock.systemUTC();
    ApprovalChat chat = slack != null ? slack.chat() : new NoChat();
    InventoryLedger inventoryLedger = new InventoryLedger(ledgerDatabase.jdbi(), clock);
    DriftFindings driftFindings = new DriftFindings(ledgerDatabase.jdbi(), clock);
    boolean inventory = config.inventory.enabled && groupDirectory != null;
    if (!config.inventory.enabled) {
      log.warn("inventory: OFF (inventory.enabled: false): access granted outside accessflow goes unnoticed");
    }
    ReviewLedger reviewLedger = new ReviewLedger(ledgerDatabase.jdbi(), clock);
    ReclaimLedger reclaimLedger = new ReclaimLedger(ledgerDatabase.jdbi(), clock);
    if (config.runWorker) {
      AccessTickets tickets = tickets(config);
      TemporalLeaseLookup leases = new TemporalLeaseLookup(client);
      DriftResponse.UnheldRemoval unheld = new TemporalMembershipLeases(client, temporal.taskQueue)::removeUnheld;
      AccessRequestGateway requests = new AccessRequestGateway(client, temporal.taskQueue, ledgerQueries);
      ReviewCampaigns reviewCampaigns = new ReviewCampaigns(reviewLedger, catalog,
          new ReviewRecommendations(config.reviews.inactiveAfter), groupDirectory,
          slack != null ? slack.reviewMessages() : ReviewMessages.NONE, tickets, inventoryLedger, leases,
          (requestId, revocation) -> revokeGrant(requests, requestId, revocation), unheld, idp, clock);
      ReviewScheduler reviewScheduler = new ReviewScheduler(catalog, reviewLedger,
          new ReviewGateway(client, temporal.taskQueue, reviewLedger), clock);
      ReclaimRuns reclaimRuns = new ReclaimRuns(reclaimLedger, catalog,
          groupDirectory instanceof AppSignIns log ? log : null, groupDirectory, idp,
          slack != null ? slack.reclaimMessages() : ReclaimMessages.NONE, tickets,
          new AccessRemoval(inventoryLedger, leases, (requestId, revocation) -> revokeGrant(requests, requestId,
              revocation), unheld, idp), clock);
      CatalogSchedules schedules = new CatalogSchedules(List.of(reviewScheduler,
          new ReclaimScheduler(catalog, reclaimLedger, new ReclaimGateway(client, temporal.taskQueue, reclaimLedger),
              clock)));
      Object[] inventoryActivities = {reviewCampaigns, schedules, reclaimRuns};
      if (inventory) {
        inventoryActivities = new Object[] {reviewCampaigns, schedules, reclaimRuns,
            new CatalogInventory(catalog, config.inventory.syncInterval, config.inventory.pageSize, groupDirectory,
                inventoryLedger, leases, clock),
            new DriftResponse(driftFindings, inventoryLedger, idp, chat, tickets, leases, unheld, clock)};
      }
      // The test server's sticky queues misbehave across worker restarts: the bench turns them off.
      environment.lifecycle().manage(new TemporalWorkers(client, temporal.taskQueue, temporal.embedded() || !temporal.stickyExecution, idp,
          tickets, chat, new PostgresLedger(ledgerDatabase.jdbi(), config.idp.type, clock, metrics), metrics,
          inventoryActivities));
      environment.lifecycle().manage(new ReviewScheduleStarter(client, temporal.taskQueue));
      if (inventory) {
        environment.lifecycle().manage(new InventoryStarter(client, temporal.taskQueue));
        log.info("inventory: {} catalog groups, synced every {} ({} members a page)", catalog.groupIds().size(),
            config.inventory.syncInterval, config.inventory.pageSize);
      }
    }

    if (config.runApi) {
      if (config.apiTokens.isEmpty()) {
        throw new IllegalStateException("config " + "apiTokens: at least one API token is required to serve the REST API"
            + " (set ACCESSFLOW_API_TOKEN)");
      }
      config.apiTokens.forEach(t -> {
        if (t.token().length() < 16) {
          throw new IllegalStateException("config apiTokens: the token of " + t.principal() + " is shorter than 16 characters");
        }
      });
      // Every webhook receiver's refusals are counted in front of it; Slack's answers are timed there too.
      environment.servlets().addFilter("webhook-metrics", new WebhookMetricsFilter(metrics))
          .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true,
              "/slack/*", "/jira/*", "/okta/*");
      var jersey = environment.jersey();
      jersey.register(BearerTokenFilter.of(config.apiTokens));
      jersey.register(new dev.accessflow.api.rest.RequestLogContext());
      jersey.register(new AuthValueFactoryProvider.Binder<>(Caller.class));
      jersey.register(new ApiErrorMappers.Problems());
      jersey.register(new ApiErrorMappers.BadJson());
      jersey.register(new ApiErrorMappers.Web());
      jersey.register(new ApiErrorMappers.Unexpected());
      jersey.register(new CatalogResource(catalog));
      AccessRequestGateway gateway = new AccessRequestGateway(client, temporal.taskQueue, ledgerQueries);
      // One intake for REST, Slack and Jira: the same catalog rules, "approved before" count and requester check.
      AccessRequestIntake intake = new AccessRequestIntake(catalog, config.approvalTimeout, ledgerQueries::approvedBefore,
          new IdpRequesterCheck(idp), groupNames);
      jersey.register(new AccessRequestResource(intake, gateway, ledgerQueries));
      jersey.register(new AuditResource(new AuditExport(ledgerDatabase.dataSource()), ledgerQueries,
          java.time.Clock.systemUTC()));
      ReviewGateway reviewGateway = new ReviewGateway(client, temporal.taskQueue, reviewLedger);
      ReviewDecisions reviewDecisions = new ReviewDecisions(reviewLedger, reviewGateway);
      if (config.jira.enabled() && (config.jira.webhookSecret == null || config.jira.webhookSecret.isEmpty())) {
        // Anyone could forge approvals through an unsigned webhook, so there is none without a secret.
        log.error("jira.webhookSecret is empty: POST /jira/webhook is NOT served; set JIRA_WEBHOOK_SECRET"
            + " (and the same secret on the Jira webhook) to take requests and approvals from Jira");
      } else if (config.jira.enabled()) {
        jersey.register(jiraWebhook(config, intake, gateway, environment, reviewDecisions));
      }

      InventoryGateway inventoryGateway = new InventoryGateway(client, temporal.taskQueue);
      jersey.register(new InventoryResource(new InventoryQueries(ledgerDatabase.jdbi()), driftFindings, inventoryGateway));
      jersey.register(new ReviewResource(catalog, reviewLedger, reviewGateway, reviewDecisions, clock));
      ReclaimGateway reclaimGateway = new ReclaimGateway(client, temporal.taskQueue, reclaimLedger);
      ReclaimKeeps reclaimKeeps = new ReclaimKeeps(catalog, reclaimLedger, reclaimGateway);
      jersey.register(new ReclaimResource(catalog, reclaimLedger, reclaimGateway, reclaimKeeps, clock));
      if (slack != null) {
        slack.serve(environment, catalog, intake, gateway, reviewDecisions, reclaimKeeps);
      }
      ReclaimSignIns reclaimSignIns = new ReclaimSignIns(catalog, reclaimLedger, reclaimGateway);
      if (sandbox != null) {
        jersey.register(new SandboxResource(sandbox, inventoryGateway,
            app -> catalog.app(app).flatMap(CatalogApp::reclaimScan).map(p -> p.idpApp()), reclaimSignIns,
            clock));
      }
      String hookSecret = config.inventory.oktaEventHookSecret == null ? "" : config.inventory.oktaEventHookSecret.strip();
      if (hookSecret.length() >= 16) {
        jersey.register(new OktaEventHookResource(hookSecret, inventoryGateway, catalog.groupIds(),
            environment.getObjectMapper(), reclaimSignIns.idpApps(), reclaimSignIns));
        log.info("inventory: Okta event hooks at /okta/events (group.user_membership.add and .remove;"
            + " user.authentication.sso to {} reclaimed app(s))", reclaimSignIns.idpApps().size());
      } else if (!hookSecret.isEmpty()) {
        throw new IllegalStateException("config inventory.oktaEventHookSecret: shorter than 16 characters;"
            + " set a long random secret (OKTA_EVENT_HOOK_SECRET) and the same on the event hook in Okta");
      } else if ("okta".equals(config.idp.type)) {
        log.info("inventory: no Okta event hook (OKTA_EVENT_HOOK_SECRET empty); changes made in Okta are seen at the"
            + " next sync, every {}", config.inventory.syncInterval);
      }
    }
    environment.lifecycle().manage(new io.dropwizard.lifecycle.Managed() {
      @Override
      public void stop() {
        service.shutdown();
      }
    });
  }

  /** Ends a request's grant for a review; a request already ended or being revoked is no error. */
  private static void revokeGrant(AccessRequestGateway requests, String requestId, Revocation revocation) {
    try {
      requests.revoke(requestId, revocation);
    } catch (ApiProblem refused) {
      if (refused.status() != 409 && refused.status() != 404) {
        throw new IllegalStateException("revoking request " + requestId + ": " + refused.getMessage());
      }
    }
  }

  /** Refuses, before anything starts, an inventory setting that would spin or that Okta would refuse. */
  static void checkInventory(AccessflowConfiguration.InventorySettings inventory) {
    if (!inventory.enabled) {
      return;
    }
    if (inventory.syncInterval == null || inventory.syncInterval.compareTo(java.time.Duration.ofSeconds(1)) < 0) {
      throw new IllegalStateException("config inventory.syncInterval: must be at least PT1S (it is "
          + inventory.syncInterval + "); the default is PT15M");
    }
    if (inventory.pageSize < 1 || inventory.pageSize > 1_000) {
      throw new IllegalStateException("config inventory.pageSize: must be 1 to 1000 (it is " + inventory.pageSize
          + "); Okta recommends 200");
    }
  }

  /** The embedded default answers on loopback only unless told otherwise: its API token is in the README. */
  private static void listenOn(AccessflowConfiguration config) {
    boolean told = config.bindHost != null && !config.bindHost.isBlank();
    String host = told ? config.bindHost.strip() : config.temporal.embedded() ? "127.0.0.1" : null;
    if (host == null || !(config.getServerFactory() instanceof DefaultServerFactory server)) {
      return;
    }
    for (var connectors : List.of(server.getApplicationConnectors(), server.getAdminConnectors())) {
      for (ConnectorFactory connector : connectors) {
        if (connector instanceof HttpConnectorFactory http && http.getBindHost() == null) {
          http.setBindHost(host);
        }
      }
    }
    log.info("HTTP connectors listen on {}{}", host, config.temporal.embedded() && !told
        ? " (embedded default; set ACCESSFLOW_BIND_HOST=0.0.0.0 to listen on every interface)" : "");
  }

  private IdentityProvider identityProvider(AccessflowConfiguration config, Catalog catalog, AccessflowMetrics metrics) {
    ConfiguredDirectories.Wired wired = new ConfiguredDirectories(config, metrics).wire(catalog);
    sandbox = wired.sandbox();
    groupDirectory = wired.groups();
    groupNames = wired.names();
    return wired.idp();
  }

  /** The Entra adapter's settings. */
  static EntraConfig entraConfig(AccessflowConfiguration.EntraSettings entra) {
    return new EntraConfig(entra.tenantId, entra.clientId, entra.clientSecret, entra.certificate, entra.graphUrl,
        entra.authorityHost, entra.requestTimeout, entra.trustedCa);
  }

  /** The Okta adapter's settings: an API token, or an OAuth 2.0 service app when a client id is set. */
  static OktaConfig oktaConfig(AccessflowConfiguration.OktaSettings okta) {
    boolean oauth = okta.clientId != null && !okta.clientId.isBlank();
    return new OktaConfig(okta.orgUrl, oauth ? null : okta.apiToken, oauth ? okta.clientId : null,
        oauth ? okta.privateKey : null, oauth ? okta.scopes : List.of(),
        okta.managerAttribute, okta.departmentAttribute, okta.requestTimeout);
  }

  private static AccessTickets tickets(AccessflowConfiguration config) {
    if (!config.jira.enabled()) {
      log.info("tickets: no Jira configured (jira.baseUrl); the audit trail goes to the log");
      return new LogOnlyTickets();
    }
    var jira = config.jira;
    // A status set to "" (e.g. JIRA_STATUS_DENIED=) means: do not move the issue for it.
    Map<dev.accessflow.workflows.model.RequestStatus, String> statusMap = new java.util.EnumMap<>(dev.accessflow.workflows.model.RequestStatus.class);
    jira.statusMap.forEach((status, name) -> {
      if (name != null && !name.isBlank()) {
        statusMap.put(status, name.strip());
      }
    });
    JiraConfig jiraConfig = jiraConfig(jira, jira.statusMap.isEmpty() ? JiraConfig.defaultStatusMap() : statusMap);
    log.info("tickets: Jira at {} project {}", jira.baseUrl, jira.projectKey);
    return new JiraTickets(jiraConfig, JiraClient.create(jiraConfig));
  }

  private static JiraWebhookResource jiraWebhook(AccessflowConfiguration config, AccessRequestIntake intake,
      AccessRequestGateway gateway, Environment environment, ReviewDecisions reviewDecisions) {
    var jira = config.jira;
    JiraConfig jiraConfig = jiraConfig(jira, Map.of());
    JiraIssuesAdapter issues = new JiraIssuesAdapter(JiraClient.create(jiraConfig),
        new JiraIssuesAdapter.Fields(blankToNull(jira.appField), blankToNull(jira.roleField),
            blankToNull(jira.durationField), blankToNull(jira.reasonField)));
    WebhookSignatureVerifier verifier = new JiraWebhookSignature(jira.webhookSecret)::verify;
    log.info("Jira webhook at /jira/webhook for project {} (approve: '{}', decline: '{}')", jira.projectKey,
        jira.approvedStatus, jira.declinedStatus);
    return new JiraWebhookResource(issues, intake, gateway,
        new JiraWebhookSettings(jira.projectKey, jira.approvedStatus, jira.declinedStatus, jira.email),
        verifier, environment.getObjectMapper(),
        new dev.accessflow.api.jira.JiraReviewComments(issues, reviewDecisions, jira.email));
  }

  private static JiraConfig jiraConfig(AccessflowConfiguration.JiraSettings jira,
      Map<dev.accessflow.workflows.model.RequestStatus, String> statusMap) {
    var fields = new JiraConfig.CustomFields(blankToNull(jira.requesterField), blankToNull(jira.appField),
        blankToNull(jira.roleField), blankToNull(jira.durationField), blankToNull(jira.reasonField),
        blankToNull(jira.riskField));
    return new JiraConfig(URI.create(jira.baseUrl), jira.email, jira.apiToken, jira.projectKey, jira.issueType, fields,
        Map.of(), statusMap, jira.requestTimeout, jira.webhookSecret);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }

  /** The ledger's database (tests read it and stop it). */
  public LedgerDatabase ledgerDatabase() {
    return ledgerDatabase;
  }

  /** The sandbox directory, when idp.type is sandbox; null otherwise. */
  public SandboxDirectory sandbox() {
    return sandbox;
  }
}
