package dev.accessflow.activities.okta;

import java.io.IOException;
import java.net.URI;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;

/**
 * Wraps the HTTP client the Okta SDK built (keeping its timeouts, zero retries and, for OAuth, its
 * DPoP interceptor) to read the rate-limit headers of every response. The SDK's own
 * {@code ApiClient.getResponseHeaders()} cannot serve: it skips 204 responses, which is what every
 * membership change returns.
 */
final class RateLimitRecordingHttpClient extends CloseableHttpClient {
  private final CloseableHttpClient delegate;
  private final OktaRateLimits limits;
  /** The Link headers of the last response on this thread: the SDK's list calls return the body only. */
  private final ThreadLocal<java.util.List<String>> links = ThreadLocal.withInitial(java.util.List::of);

  RateLimitRecordingHttpClient(CloseableHttpClient delegate, OktaRateLimits limits) {
    this.delegate = delegate;
    this.limits = limits;
  }

  @Override
  protected CloseableHttpResponse doExecute(HttpHost target, ClassicHttpRequest request, HttpContext context)
      throws IOException {
    CloseableHttpResponse response = delegate.execute(target, request, context);
    String path;
    try {
      path = request.getUri().getRawPath();
    } catch (Exception e) {
      path = URI.create(request.getRequestUri()).getRawPath();
    }
    links.set(java.util.Arrays.stream(response.getHeaders("Link")).map(Header::getValue).toList());
    limits.record(OktaRateLimits.family(request.getMethod(), path), name -> {
      Header header = response.getFirstHeader(name);
      return header == null ? null : header.getValue();
    });
    return response;
  }

  /** The Link header values of the last response this thread received (Okta's paging: rel="next"). */
  java.util.List<String> lastLinks() {
    return links.get();
  }

  @Override
  public void close(CloseMode closeMode) {
    delegate.close(closeMode);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
