package dev.accessflow.api.slack;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.api.rest.ApiError;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks Slack's signature on the raw body before anything parses it, then hands the same bytes
 * to Bolt. Bolt's own check is switched off because it reads the system clock; this one takes an
 * injected clock (so the published test vector verifies) and also refuses replays.
 */
public final class SlackSignatureFilter implements Filter {
  private static final Logger log = LoggerFactory.getLogger(SlackSignatureFilter.class);
  /** Slack sends small form bodies (our modals are a few KB); anything this big is not Slack. */
  static final int MAX_BODY = 256 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SlackRequestVerifier verifier;

  public SlackSignatureFilter(SlackRequestVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    HttpServletResponse reply = (HttpServletResponse) response;
    byte[] body = http.getInputStream().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      log.warn("Slack request refused: body over {} bytes (from {})", MAX_BODY, http.getRemoteAddr());
      refuse(reply, 413, "request body is larger than " + MAX_BODY + " bytes");
      return;
    }
    SlackRequestVerifier.Verdict verdict =
        verifier.verify(http.getHeader("X-Slack-Request-Timestamp"), http.getHeader("X-Slack-Signature"), body);
    if (!verdict.valid()) {
      // Only the verdict is logged: never the body or the signature.
      log.warn("Slack request refused: {} (from {})", verdict, http.getRemoteAddr());
      http.setAttribute(dev.accessflow.api.WebhookMetricsFilter.REFUSAL, "signature_" + verdict.name().toLowerCase());
      refuse(reply, 401, "invalid Slack request: " + verdict.name().toLowerCase());
      return;
    }
    Optional<String> malformed = SlackDelivery.problem(body, http.getContentType());
    if (malformed.isPresent()) {
      log.warn("signed Slack delivery refused as malformed: {}", malformed.get());
      refuse(reply, 400, malformed.get());
      return;
    }
    chain.doFilter(new CachedBody(http, body), response);
  }

  /** A refusal in the API's JSON shape; Slack is told not to retry it (it would fail the same way). */
  private static void refuse(HttpServletResponse reply, int status, String message) throws IOException {
    reply.setStatus(status);
    reply.setHeader("X-Slack-No-Retry", "1");
    reply.setContentType("application/json");
    reply.getOutputStream().write(JSON.writeValueAsBytes(new ApiError(status, message, null)));
  }

  /** The request with its body already read, readable again by Bolt. */
  private static final class CachedBody extends HttpServletRequestWrapper {
    private final byte[] body;

    CachedBody(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("synchronous reads only");
        }

        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
