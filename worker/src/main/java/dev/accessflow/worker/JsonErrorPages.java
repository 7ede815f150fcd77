package dev.accessflow.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.accessflow.api.rest.ApiError;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before a request reaches Jersey (an undecodable path such as {@code %00} or
 * {@code %C0%80}, a bad header) in the same JSON shape as every other error, instead of an HTML page.
 */
final class JsonErrorPages extends ErrorHandler {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JsonErrorPages.class);
  private final ObjectMapper json;

  JsonErrorPages(ObjectMapper json) {
    this.json = json;
  }

  /** Jetty writes error bodies for GET, POST and HEAD only; a TRACE or an unknown method gets one too. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) throws java.io.IOException {
    String reason = HttpStatus.getMessage(code);
    String text;
    if (code >= 500) {
      // A servlet's uncaught exception: Jetty's message is the exception's text, which stays in the log.
      log.error("{} answering {} {}", code, request.getMethod(), request.getHttpURI().getPath(), cause);
      text = "internal error; see the server log";
    } else {
      // Jetty's own message names the fault (e.g. "Bad URI"); never a stack trace or the raw input.
      text = message == null || message.isBlank() || message.equals(reason) ? reason : reason + ": " + message;
    }
    byte[] body = json.writeValueAsBytes(new ApiError(code, text, null));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
