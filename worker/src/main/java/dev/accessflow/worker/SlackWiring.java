package dev.accessflow.worker;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.jakarta_servlet.SlackAppServlet;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.auth.AuthTestResponse;
import dev.accessflow.activities.slack.SlackChat;
import dev.accessflow.api.AccessRequestGateway;
import dev.accessflow.api.AccessRequestIntake;
import dev.accessflow.api.catalog.Catalog;
import dev.accessflow.api.slack.RequestModal;
import dev.accessflow.api.slack.SlackIdentities;
import dev.accessflow.api.slack.SlackInteractions;
import dev.accessflow.api.slack.SlackRequestVerifier;
import dev.accessflow.api.slack.SlackSignatureFilter;
import dev.accessflow.workflows.ports.ApprovalChat;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.lifecycle.Managed;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Slack in this process: one Web API client for the chat port (worker) and the Bolt endpoint
 * POST /slack/events (API). The bot token is checked with auth.test when the process starts, so
 * a bad token stops start-up instead of failing the first click.
 */
final class SlackWiring implements Managed {
  private static final Logger log = LoggerFactory.getLogger(SlackWiring.class);
  static final String PATH = "/slack/events";

  private final AccessflowConfiguration.SlackSettings settings;
  private final Slack slack;
  private final MethodsClient methods;
  private final Clock clock;
  private App bolt;
  private ExecutorService work;

  SlackWiring(AccessflowConfiguration.SlackSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(settings.apiUrl.endsWith("/") ? settings.apiUrl : settings.apiUrl + "/");
    this.slack = Slack.getInstance(config);
    this.methods = slack.methods(settings.botToken);
  }

  /** Review messages for the review activities: a DM per reviewer, edited in place. */
  dev.accessflow.workflows.ports.ReviewMessages reviewMessages() {
    return new SlackChat(methods, settings.securityChannel, settings.jiraBrowseUrl, clock);
  }

  /** Reclaim warnings for the reclaim activities: a DM per warned person, edited in place. */
  dev.accessflow.workflows.ports.ReclaimMessages reclaimMessages() {
    return new SlackChat(methods, settings.securityChannel, settings.jiraBrowseUrl, clock);
  }

  /** The chat port for the Temporal worker: everything it renders comes with the activity's input. */
  ApprovalChat chat() {
    return new SlackChat(methods, settings.securityChannel, settings.jiraBrowseUrl, clock);
  }

  /** Mounts POST /slack/events: signature filter first, then Bolt. */
  void serve(Environment environment, Catalog catalog, AccessRequestIntake intake, AccessRequestGateway gateway,
      dev.accessflow.api.ReviewDecisions reviews, dev.accessflow.api.ReclaimKeeps keeps) {
    if (settings.signingSecret == null || settings.signingSecret.isBlank()) {
      throw new IllegalStateException("config slack.signingSecret: required to serve " + PATH
          + " (set SLACK_SIGNING_SECRET from the Slack app's Basic Information page)");
    }
    AtomicInteger threads = new AtomicInteger();
    work = new ThreadPoolExecutor(settings.workerThreads, settings.workerThreads, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(10_000), r -> {
          Thread t = new Thread(r, "slack-work-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    bolt = new App(AppConfig.builder()
        .singleTeamBotToken(settings.botToken)
        .signingSecret(settings.signingSecret)
        // SlackSignatureFilter verifies (with an injectable clock and replay refusal) before Bolt sees the body.
        .requestVerificationEnabled(false)
        .slack(slack)
        .build());
    SlackIdentities identities = new SlackIdentities(methods);
    new SlackInteractions(intake, gateway, new RequestModal(catalog), identities, methods, work).register(bolt);
    new dev.accessflow.api.slack.SlackReviewActions(reviews, identities, methods, work).register(bolt);
    new dev.accessflow.api.slack.SlackReclaimActions(keeps, identities, methods, work).register(bolt);
    var servlets = environment.servlets();
    servlets.addFilter("slack-signature", new SlackSignatureFilter(new SlackRequestVerifier(settings.signingSecret, clock)))
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, PATH);
    servlets.addServlet("slack", new SlackAppServlet(bolt)).addMapping(PATH);
    log.info("Slack endpoint at {} (commands, shortcuts, interactivity)", PATH);
  }

  @Override
  public void start() throws Exception {
    AuthTestResponse auth = methods.authTest(r -> r);
    if (!auth.isOk()) {
      throw new IllegalStateException("Slack rejected the bot token (auth.test: " + auth.getError()
          + "); check SLACK_BOT_TOKEN, or unset it to run without Slack");
    }
    log.info("Slack: connected to team {} as {}", auth.getTeam(), auth.getUser());
    if (bolt != null) {
      bolt.start();
    }
  }

  @Override
  public void stop() throws Exception {
    if (work != null) {
      work.shutdown();
      work.awaitTermination(5, TimeUnit.SECONDS);
    }
    if (bolt != null) {
      bolt.stop();
    }
    slack.close();
  }
}
