package dev.accessflow.activities.okta;

import com.okta.sdk.impl.client.DefaultClientBuilder;
import com.okta.sdk.impl.config.ClientConfiguration;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;

/**
 * The Okta SDK's client builder with a connection pool sized for accessflow. The SDK keeps Apache
 * HttpClient's default of 5 connections to one host, and its calls wait for a free one: when an
 * outage ended, the ~300 held grants and removals went to Okta 5 at a time and the last waited
 * over a second for a connection (bench idp-down, 2026-12-02).
 */
final class PooledOktaClientBuilder extends DefaultClientBuilder {
  /**
   * Connections to the org per worker process. Okta allows 75 concurrent requests per org for all
   * its API clients together (the first one over gets a 429); 20 leaves room for three replicas
   * and the org's other integrations.
   */
  static final int MAX_CONNECTIONS = 20;

  @Override
  protected PoolingHttpClientConnectionManagerBuilder createHttpClientConnectionManagerBuilder(
      ClientConfiguration configuration) {
    return super.createHttpClientConnectionManagerBuilder(configuration)
        .setMaxConnPerRoute(MAX_CONNECTIONS)
        .setMaxConnTotal(MAX_CONNECTIONS);
  }
}
