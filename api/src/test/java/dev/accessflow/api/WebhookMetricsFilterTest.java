package dev.accessflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accessflow.workflows.ports.AccessflowMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Refusals are counted by the receiver they came from and why; answers that are not refusals are not. */
class WebhookMetricsFilterTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WebhookMetricsFilter filter = new WebhookMetricsFilter(new AccessflowMetrics(registry));

  @Test
  void eachRefusalIsCountedBySourceAndReasonAndSlacksAnswersAreTimed() throws Exception {
    deliver("/jira/webhook", 401, null);
    deliver("/jira/webhook", 401, null);
    deliver("/okta/events", 413, null);
    deliver("/okta/events", 204, null);
    deliver("/slack/events", 401, "signature_stale");
    deliver("/slack/events", 200, null);

    assertThat(refusals("jira", "unauthenticated")).isEqualTo(2);
    assertThat(refusals("okta", "too_large")).isEqualTo(1);
    assertThat(refusals("slack", "signature_stale")).isEqualTo(1);
    assertThat(registry.get("accessflow.webhook.refusals").counters()).hasSize(3);
    assertThat(registry.get("accessflow.slack.ack").timer().count()).isEqualTo(2);
    assertThat(WebhookMetricsFilter.reason(418)).isEqualTo("other");
  }

  private double refusals(String source, String reason) {
    return registry.get("accessflow.webhook.refusals").tags("source", source, "reason", reason).counter().count();
  }

  private void deliver(String uri, int status, String refusal) throws Exception {
    Map<String, Object> attributes = new HashMap<>();
    HttpServletRequest request = new HttpServletRequestWrapper(stub(HttpServletRequest.class)) {
      @Override
      public String getRequestURI() {
        return uri;
      }

      @Override
      public Object getAttribute(String name) {
        return attributes.get(name);
      }

      @Override
      public void setAttribute(String name, Object value) {
        attributes.put(name, value);
      }
    };
    int[] set = {200};
    HttpServletResponse response = new HttpServletResponseWrapper(stub(HttpServletResponse.class)) {
      @Override
      public void setStatus(int sc) {
        set[0] = sc;
      }

      @Override
      public int getStatus() {
        return set[0];
      }
    };
    FilterChain receiver = (req, res) -> {
      if (refusal != null) {
        req.setAttribute(WebhookMetricsFilter.REFUSAL, refusal);
      }
      ((HttpServletResponse) res).setStatus(status);
    };
    filter.doFilter(request, response, receiver);
  }

  @SuppressWarnings("unchecked")
  private static <T> T stub(Class<T> type) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      throw new UnsupportedOperationException(method.getName());
    });
  }
}
