package dev.accessflow.api.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.users.UsersInfoResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a Slack user to the IdP login accessflow knows them by: their Slack profile email
 * (users.info, scope users:read.email). Cached for the life of the process: a click must be
 * acknowledged fast, and an email change in Slack is rare and harmless to pick up on restart.
 */
public final class SlackIdentities {
  private final MethodsClient slack;
  private final Map<String, String> emails = new ConcurrentHashMap<>();

  public SlackIdentities(MethodsClient slack) {
    this.slack = slack;
  }

  /** The user's email in lower case; empty when Slack has none (bots, guests without email scope). */
  public Optional<String> login(String slackUserId) throws IOException {
    String known = emails.get(slackUserId);
    if (known != null) {
      return Optional.of(known);
    }
    UsersInfoResponse reply;
    try {
      reply = slack.usersInfo(r -> r.user(slackUserId));
    } catch (SlackApiException e) {
      throw new IOException("Slack users.info answered HTTP " + e.getResponse().code());
    }
    if (!reply.isOk()) {
      if ("user_not_found".equals(reply.getError())) {
        return Optional.empty();
      }
      throw new IOException("Slack users.info: " + reply.getError());
    }
    if (reply.getUser() == null || reply.getUser().getProfile() == null || reply.getUser().getProfile().getEmail() == null
        || reply.getUser().isBot()) {
      return Optional.empty();
    }
    String email = reply.getUser().getProfile().getEmail().toLowerCase();
    emails.put(slackUserId, email);
    return Optional.of(email);
  }
}
