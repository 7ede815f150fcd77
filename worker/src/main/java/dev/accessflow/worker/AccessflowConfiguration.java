package dev.accessflow.worker;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.accessflow.activities.sandbox.SandboxDirectory;
import dev.accessflow.api.rest.ApiToken;
import dev.accessflow.ledger.LedgerDatabase;
import io.dropwizard.core.Configuration;
import java.time.Duration;
import java.util.List;

/** accessflow's configuration file (config/accessflow.yml), with ${ENV:-default} substitution. */
public final class AccessflowConfiguration extends Configuration {

  /** Where Temporal is. An empty target means the embedded, in-memory test server. */
  public static final class TemporalSettings {
    @JsonProperty public String target = "";
    @JsonProperty public String namespace = "default";
    @JsonProperty public String taskQueue = "accessflow";
    /** Port of the embedded server on 127.0.0.1; 0 picks a free one. */
    @JsonProperty public int embeddedPort = 7233;
    /** Register the custom search attributes at start-up (idempotent). */
    @JsonProperty public boolean registerSearchAttributes = true;
    /**
     * Sticky execution (workflow caching per worker). Turn it off when the target is a standalone
     * Temporal test server: that server never moves tasks off a dead worker's sticky queue, so a
     * restarted worker would strand its workflows. The embedded server always runs without it.
     */
    @JsonProperty public boolean stickyExecution = true;
    /** TLS or mTLS to the cluster (Temporal Cloud, or a self-hosted one with TLS). */
    @JsonProperty public TlsSettings tls = new TlsSettings();
    /** A Temporal Cloud API key (sent as a bearer token; needs TLS). Never printed. */
    @JsonProperty public String apiKey = "";

    public boolean embedded() {
      return target == null || target.isBlank();
    }
  }

  /** TLS to the Temporal cluster; each certificate or key is a file path or the PEM text itself. */
  public static final class TlsSettings {
    @JsonProperty public boolean enabled = false;
    /** The CA that signed the cluster's certificate; empty trusts the JVM's CAs (right for Temporal Cloud). */
    @JsonProperty public String caCert = "";
    /** mTLS: the client certificate (chain) and its PKCS#8 key; both or neither. */
    @JsonProperty public String clientCert = "";
    /** Never printed. */
    @JsonProperty public String clientKey = "";
    /** The name the cluster's certificate is for, when it differs from the target's host. */
    @JsonProperty public String serverName = "";
  }

  /** Which identity provider grants the access. */
  public static final class IdpSettings {
    /** sandbox (in-memory, for trying), okta, entra or google. */
    @JsonProperty public String type = "sandbox";
    /** More directories, comma-separated (okta, entra, google): the catalog names their groups with a prefix, e.g. google:eng@acme.example. */
    @JsonProperty public String also = "";
    @JsonProperty public SandboxSettings sandbox = new SandboxSettings();
    @JsonProperty public OktaSettings okta = new OktaSettings();
    @JsonProperty public EntraSettings entra = new EntraSettings();
    @JsonProperty public GoogleSettings google = new GoogleSettings();
  }

  /** A Google Workspace through a service account with domain-wide delegation; the key comes from an environment variable. */
  public static final class GoogleSettings {
    /** The service account's JSON key: a file path or the JSON text. Never printed. */
    @JsonProperty public String serviceAccountKey = "";
    /** The admin the service account acts as. */
    @JsonProperty public String adminEmail = "";
    /** The Workspace customer id; my_customer is the admin's own. */
    @JsonProperty public String customer = "my_customer";
    /** Google's API root; only tests change it. */
    @JsonProperty public String rootUrl = "https://admin.googleapis.com/";
    @JsonProperty public Duration requestTimeout = Duration.ofSeconds(10);
    /** Refuse to start when a catalog group is missing or the admin may not manage it. */
    @JsonProperty public boolean checkCatalogGroups = true;
  }

  /** An Entra ID tenant through an app registration with application permissions; secrets come from environment variables. */
  public static final class EntraSettings {
    /** The directory (tenant) id: a GUID, or a domain such as acme.onmicrosoft.com. */
    @JsonProperty public String tenantId = "";
    /** The app registration's application (client) id. */
    @JsonProperty public String clientId = "";
    /** A client secret's value. Never printed. */
    @JsonProperty public String clientSecret = "";
    /** Or a certificate: a PEM file path, or the PEM text (certificate and private key). Never printed. */
    @JsonProperty public String certificate = "";
    /** Graph's v1.0 root; a national cloud's (e.g. https://graph.microsoft.us/v1.0) when it is not the global one. */
    @JsonProperty public String graphUrl = "https://graph.microsoft.com/v1.0";
    /** Where tokens come from; a national cloud's login host when it is not the global one. */
    @JsonProperty public String authorityHost = "https://login.microsoftonline.com";
    @JsonProperty public Duration requestTimeout = Duration.ofSeconds(10);
    /** A CA (PEM file path or text) trusted beside the JVM's own for Graph and login, e.g. a TLS-inspecting proxy's. */
    @JsonProperty public String trustedCa = "";
    /** Refuse to start when a catalog group is missing, dynamic or synced from on-premises AD. */
    @JsonProperty public boolean checkCatalogGroups = true;
  }

  /** The sandbox directory's people and groups. */
  public static final class SandboxSettings {
    @JsonProperty public List<SandboxDirectory.SandboxUser> users = List.of();
    /** Extra groups beyond those the catalog names. */
    @JsonProperty public List<String> groups = List.of();
  }

  /** Okta org and credentials; secrets come from environment variables. */
  public static final class OktaSettings {
    @JsonProperty public String orgUrl = "";
    @JsonProperty public String apiToken = "";
    /** OAuth 2.0 service app (private key JWT) instead of an API token. */
    @JsonProperty public String clientId = "";
    /** PEM private key of the service app (the value, from an environment variable). */
    @JsonProperty public String privateKey = "";
    @JsonProperty public List<String> scopes = List.of("okta.users.read", "okta.groups.manage");
    @JsonProperty public String managerAttribute = "managerId";
    @JsonProperty public String departmentAttribute = "department";
    @JsonProperty public Duration requestTimeout = Duration.ofSeconds(10);
    /** Refuse to start when a catalog group id is not in Okta. */
    @JsonProperty public boolean checkCatalogGroups = true;
  }

  /** Jira Cloud, the system of record; disabled while baseUrl is empty. */
  public static final class JiraSettings {
    @JsonProperty public String baseUrl = "";
    @JsonProperty public String email = "";
    @JsonProperty public String apiToken = "";
    @JsonProperty public String projectKey = "ACC";
    @JsonProperty public String issueType = "Task";
    @JsonProperty public Duration requestTimeout = Duration.ofSeconds(10);
    /** Secret of the admin webhook (X-Hub-Signature); empty accepts unsigned deliveries. Never printed. */
    @JsonProperty public String webhookSecret = "";
    /** Moving an issue to this status approves its request. */
    @JsonProperty public String approvedStatus = "Approved";
    /** Moving an issue to this status denies its request. */
    @JsonProperty public String declinedStatus = "Declined";
    /** Custom field ids (customfield_NNNNN) a request issue carries its facts in. */
    @JsonProperty public String appField = "";
    @JsonProperty public String roleField = "";
    @JsonProperty public String durationField = "";
    @JsonProperty public String reasonField = "";
    /** Custom field ids for the requester and risk tier of issues accessflow creates (optional). */
    @JsonProperty public String requesterField = "";
    @JsonProperty public String riskField = "";
    /** Jira status per request status; empty means the default map (Pending approval, Access granted, ...). */
    @JsonProperty public java.util.Map<dev.accessflow.workflows.model.RequestStatus, String> statusMap = java.util.Map.of();

    public boolean enabled() {
      return baseUrl != null && !baseUrl.isBlank();
    }
  }

  /** Slack: approvals in DMs and the /access modal; off while botToken is empty. Secrets are never printed. */
  public static final class SlackSettings {
    /** Bot User OAuth Token (xoxb-...), from SLACK_BOT_TOKEN. */
    @JsonProperty public String botToken = "";
    /** The app's signing secret, from SLACK_SIGNING_SECRET; required to serve /slack/events. */
    @JsonProperty public String signingSecret = "";
    /** Channel id for announcements (break-glass, escalations); empty for none. */
    @JsonProperty public String securityChannel = "";
    /** Web API base URL; only tests change it. */
    @JsonProperty public String apiUrl = "https://slack.com/api/";
    /** Jira browse URL for ticket links in approver messages (https://acme.atlassian.net/browse/); empty for none. */
    @JsonProperty public String jiraBrowseUrl = "";
    /** Threads that do the slow part of interactions after Slack has been answered. */
    @JsonProperty public int workerThreads = 16;

    public boolean enabled() {
      return botToken != null && !botToken.isBlank();
    }

    @Override
    public String toString() {
      return "SlackSettings[apiUrl=" + apiUrl + ", botToken=" + (enabled() ? "***" : "") + "]";
    }
  }

  /** The ledger's PostgreSQL. An empty url means an embedded PostgreSQL started in this process. */
  public static final class LedgerSettings {
    /** jdbc:postgresql://host:5432/accessflow; empty starts the embedded one. */
    @JsonProperty public String url = "";
    @JsonProperty public String user = "accessflow";
    /** From ACCESSFLOW_DB_PASSWORD; never printed. */
    @JsonProperty public String password = "";
    @JsonProperty public int poolSize = 8;
    /** How long a write waits for a connection before it fails (and goes to its retry lane). */
    @JsonProperty public Duration connectionTimeout = Duration.ofSeconds(1);
    /** Port of the embedded server on 127.0.0.1; 0 picks a free one. */
    @JsonProperty public int embeddedPort = 0;
    /** Data directory of the embedded server; empty means a temporary one, removed at stop. */
    @JsonProperty public String embeddedDirectory = "";

    public LedgerDatabase.Settings settings() {
      return new LedgerDatabase.Settings(url, user, password, poolSize, connectionTimeout, embeddedPort,
          embeddedDirectory == null || embeddedDirectory.isBlank() ? null : java.nio.file.Path.of(embeddedDirectory));
    }

    @Override
    public String toString() {
      return "LedgerSettings[url=" + url + ", user=" + user + ", password=***]";
    }
  }

  /** The inventory of the catalog groups and drift detection. */
  public static final class InventorySettings {
    /** Keep the inventory (sync every catalog group from the IdP, act on drift). */
    @JsonProperty public boolean enabled = true;
    /** How often every catalog group is listed from the IdP (the fallback when event hooks are missed). */
    @JsonProperty public Duration syncInterval = Duration.ofMinutes(15);
    /** Members per IdP page (Okta recommends 200). */
    @JsonProperty public int pageSize = 200;
    /** Okta event hooks (POST /okta/events): the shared secret Okta sends in Authorization; empty: not served. */
    @JsonProperty public String oktaEventHookSecret = "";

    @Override
    public String toString() {
      return "InventorySettings[enabled=" + enabled + ", syncInterval=" + syncInterval + ", pageSize=" + pageSize
          + ", oktaEventHookSecret=***]";
    }
  }

  /** Access reviews. */
  public static final class ReviewSettings {
    /** No sign-in for this long recommends revoke on a review item. */
    @JsonProperty public Duration inactiveAfter = Duration.ofDays(90);
  }

  /** Operator metrics in Prometheus' text format on the admin port. */
  public static final class PrometheusSettings {
    @JsonProperty public boolean enabled = true;
    /** How often the Temporal SDK's metrics are reported and the ledger's gauges are read. */
    @JsonProperty public Duration refreshEvery = Duration.ofSeconds(15);
  }

  @JsonProperty public PrometheusSettings prometheus = new PrometheusSettings();
  @JsonProperty public InventorySettings inventory = new InventorySettings();
  @JsonProperty public ReviewSettings reviews = new ReviewSettings();
  @JsonProperty public TemporalSettings temporal = new TemporalSettings();
  @JsonProperty public LedgerSettings ledger = new LedgerSettings();
  /**
   * Interface every HTTP connector listens on; empty means 127.0.0.1 in the embedded default
   * (whose token is published) and all interfaces otherwise. A connector's own bindHost wins.
   */
  @JsonProperty public String bindHost = "";
  /** Run the Temporal worker in this replica. */
  @JsonProperty public boolean runWorker = true;
  /** Serve the REST API in this replica. */
  @JsonProperty public boolean runApi = true;
  /** Path of the catalog YAML. */
  @JsonProperty public String catalog = "config/catalog.yml";
  /** How long approvers have before a request times out. */
  @JsonProperty public Duration approvalTimeout = Duration.ofHours(72);
  @JsonProperty public List<ApiToken> apiTokens = List.of();
  @JsonProperty public IdpSettings idp = new IdpSettings();
  @JsonProperty public JiraSettings jira = new JiraSettings();
  @JsonProperty public SlackSettings slack = new SlackSettings();
}
