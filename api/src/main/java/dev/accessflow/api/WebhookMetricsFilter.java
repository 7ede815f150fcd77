package dev.accessflow.api;

import dev.accessflow.workflows.ports.AccessflowMetrics;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Counts the inbound webhooks' refusals (Slack, Jira, Okta) by reason, and times Slack's answers,
 * in one place in front of every receiver: each receiver refuses with its status, and a refusal's
 * status says why ({@link #reason}). A receiver may name a finer reason in the request attribute
 * {@link #REFUSAL} (Slack's "stale" or "replayed" signature).
 */
public final class WebhookMetricsFilter implements Filter {
  /** Request attribute a receiver may set to a short, fixed reason for its refusal. */
  public static final String REFUSAL = "accessflow.refusal";

  private static final Map<Integer, String> REASONS = Map.of(400, "malformed", 401, "unauthenticated",
      403, "forbidden", 404, "not_found", 405, "method", 409, "conflict", 413, "too_large", 415, "media_type",
      422, "unprocessable", 429, "throttled");

  private final AccessflowMetrics metrics;

  public WebhookMetricsFilter(AccessflowMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long start = System.nanoTime();
    String source = source(((HttpServletRequest) request).getRequestURI());
    try {
      chain.doFilter(request, response);
    } finally {
      int status = ((HttpServletResponse) response).getStatus();
      if (status >= 400 && status < 500) {
        Object named = request.getAttribute(REFUSAL);
        metrics.webhookRefused(source, named instanceof String reason ? reason : reason(status));
      }
      if ("slack".equals(source)) {
        metrics.slackAcknowledged(Duration.ofNanos(System.nanoTime() - start));
      }
    }
  }

  /** The refusal's reason as its status says it; a fixed set, so the series stay few. */
  static String reason(int status) {
    return REASONS.getOrDefault(status, "other");
  }

  private static String source(String uri) {
    String path = uri == null ? "" : uri;
    return path.startsWith("/slack/") ? "slack" : path.startsWith("/jira/") ? "jira"
        : path.startsWith("/okta/") ? "okta" : "other";
  }
}
