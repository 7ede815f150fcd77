package dev.accessflow.activities.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import com.slack.api.methods.response.users.UsersLookupByEmailResponse;
import com.slack.api.model.block.LayoutBlock;
import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.ChatMessageRef;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.ports.ApprovalChat;
import dev.accessflow.workflows.ports.ReclaimMessages;
import dev.accessflow.workflows.ports.ReviewMessages;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat port on the Slack Web API: approvers get a DM with Approve/Deny, the DMs are edited in
 * place once the request is decided (chat.update on the stored channel and ts), the requester gets
 * DMs about their request. People are found by their IdP login via users.lookupByEmail.
 *
 * <p>Errors Slack will answer the same way forever (a person without a Slack account, a message
 * deleted by hand) are logged and skipped: a missing DM must never hold up an access decision.
 * Everything else (network, rate limits, Slack down) throws, and Temporal retries the activity.
 */
public final class SlackChat implements ApprovalChat, ReviewMessages, ReclaimMessages {
  private static final Logger log = LoggerFactory.getLogger(SlackChat.class);
  /** Slack's answers that a retry cannot change. */
  private static final Set<String> PERMANENT = Set.of("users_not_found", "user_not_found", "message_not_found",
      "cant_update_message", "edit_window_closed", "is_archived", "channel_not_found", "account_inactive");
  /** Slack's answers that mean our own setup is wrong: fail loudly, no point retrying. */
  private static final Set<String> MISCONFIGURED = Set.of("invalid_auth", "not_authed", "token_revoked",
      "missing_scope", "not_allowed_token_type");

  private final MethodsClient slack;
  private final String securityChannel;
  private final String jiraBrowseUrl;
  private final Clock clock;
  private final Map<String, String> userIds = new ConcurrentHashMap<>();

  /**
   * @param securityChannel channel id or name for announcements; blank for none
   * @param jiraBrowseUrl e.g. https://acme.atlassian.net/browse/ ; blank for no ticket links
   */
  public SlackChat(MethodsClient slack, String securityChannel, String jiraBrowseUrl, Clock clock) {
    this.slack = slack;
    this.securityChannel = blankToNull(securityChannel);
    this.jiraBrowseUrl = blankToNull(jiraBrowseUrl);
    this.clock = clock;
  }

  @Override
  public List<ChatMessageRef> askApprovers(ApprovalPrompt prompt) {
    List<LayoutBlock> blocks = SlackBlocks.approvalPrompt(prompt, ticketUrl(prompt.ticketKey()));
    String text = SlackBlocks.approvalPromptText(prompt);
    List<ChatMessageRef> posted = new ArrayList<>();
    for (String approver : prompt.approvers()) {
      Optional<String> userId = userId(approver);
      if (userId.isEmpty()) {
        log.warn("request {}: approver {} has no Slack account with that email; not asked in Slack",
            prompt.request().requestId(), approver);
        continue;
      }
      ChatPostMessageResponse reply = call("chat.postMessage", () -> slack.chatPostMessage(r -> r
          .channel(userId.get()).text(text).blocks(blocks)));
      if (reply != null) {
        posted.add(new ChatMessageRef(approver, reply.getChannel(), reply.getTs()));
      }
    }
    return posted;
  }

  @Override
  public void showOutcome(List<ChatMessageRef> messages, RequesterNotice outcome) {
    // The notice carries the decision it reports, as it was when the workflow posted it: a late
    // edit names who decided then, never whoever decided last by the time Slack answered.
    Optional<RecordedDecision> decided = Optional.ofNullable(outcome.decision());
    List<LayoutBlock> blocks = SlackBlocks.outcome(outcome, decided.orElse(null), clock.instant());
    String text = SlackBlocks.fit("Access request " + outcome.requestId() + ": " + outcome.text(), SlackBlocks.MESSAGE_TEXT);
    for (ChatMessageRef message : messages) {
      call("chat.update", () -> slack.chatUpdate(r -> r.channel(message.channelId()).ts(message.ts())
          .text(text).blocks(blocks)));
    }
  }

  @Override
  public void notifyRequester(RequesterNotice notice) {
    Optional<String> userId = userId(notice.requester());
    if (userId.isEmpty()) {
      log.warn("request {}: requester {} has no Slack account with that email; not told in Slack",
          notice.requestId(), notice.requester());
      return;
    }
    call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(userId.get())
        .text(SlackBlocks.fit("Request " + notice.requestId() + ": " + notice.text(), SlackBlocks.MESSAGE_TEXT))
        .blocks(SlackBlocks.requesterNotice(notice))));
  }

  @Override
  public void remindApprovers(List<ChatMessageRef> messages, RequesterNotice reminder) {
    for (ChatMessageRef message : messages) {
      call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(message.channelId()).threadTs(message.ts())
          .text(SlackBlocks.fit(reminder.text(), SlackBlocks.MESSAGE_TEXT)).blocks(SlackBlocks.note(reminder))));
    }
  }

  @Override
  public void announce(RequesterNotice notice) {
    if (securityChannel == null) {
      return;
    }
    call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(securityChannel)
        .text(SlackBlocks.fit("Request " + notice.requestId() + ": " + notice.text(), SlackBlocks.MESSAGE_TEXT))
        .blocks(SlackBlocks.note(notice))));
  }

  @Override
  public void alertSecurity(String text) {
    if (securityChannel == null) {
      return;
    }
    String fitted = SlackBlocks.fit(text, SlackBlocks.MESSAGE_TEXT);
    call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(securityChannel).text(fitted)
        .blocks(List.of(com.slack.api.model.block.SectionBlock.builder()
            .text(com.slack.api.model.block.composition.MarkdownTextObject.builder()
                .text(SlackBlocks.fit(text, 3000)).build()).build()))));
  }

  @Override
  public ChatMessageRef show(ReviewerDigest digest, ChatMessageRef existing) {
    List<LayoutBlock> blocks = SlackBlocks.reviewDigest(digest);
    String text = SlackBlocks.reviewDigestText(digest);
    if (existing != null) {
      // Edited in place; a reminder or an escalation also replies under it, so the reviewer is notified.
      var updated = call("chat.update", () -> slack.chatUpdate(r -> r.channel(existing.channelId()).ts(existing.ts())
          .text(text).blocks(blocks)));
      if (updated != null) {
        if (!digest.occasion().equals("update") && !digest.occasion().equals("open") && digest.left() > 0) {
          call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(existing.channelId())
              .threadTs(existing.ts()).text(text)));
        }
        return existing;
      }
      // The message is gone (deleted, too old to edit): a new one takes its place below.
    }
    if (digest.left() == 0) {
      return existing;
    }
    Optional<String> userId = userId(digest.reviewer());
    if (userId.isEmpty()) {
      log.warn("review {}: reviewer {} has no Slack account with that email; not told in Slack", digest.reviewId(),
          digest.reviewer());
      return null;
    }
    ChatPostMessageResponse reply = call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(userId.get())
        .text(text).blocks(blocks)));
    return reply == null ? null : new ChatMessageRef(digest.reviewer(), reply.getChannel(), reply.getTs());
  }

  @Override
  public ChatMessageRef warn(ReclaimWarning warning) {
    Optional<String> userId = userId(warning.login());
    if (userId.isEmpty()) {
      log.warn("reclaim {} item {}: {} has no Slack account with that email; told on the ticket only",
          warning.runId(), warning.itemId(), warning.login());
      return null;
    }
    ChatPostMessageResponse reply = call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(userId.get())
        .text(SlackBlocks.reclaimText(warning, null)).blocks(SlackBlocks.reclaimWarning(warning))));
    return reply == null ? null : new ChatMessageRef(warning.login(), reply.getChannel(), reply.getTs());
  }

  @Override
  public void settle(ChatMessageRef message, ReclaimWarning warning, String outcome) {
    // A message that is gone (deleted, too old to edit) is left: the ledger and the ticket hold the outcome.
    call("chat.update", () -> slack.chatUpdate(r -> r.channel(message.channelId()).ts(message.ts())
        .text(SlackBlocks.reclaimText(warning, outcome)).blocks(SlackBlocks.reclaimSettled(warning, outcome))));
  }

  @Override
  public ChatMessageRef warnManager(ReclaimWarning warning, String manager) {
    Optional<String> userId = userId(manager);
    if (userId.isEmpty()) {
      log.warn("reclaim {} item {}: manager {} has no Slack account with that email; not told in Slack",
          warning.runId(), warning.itemId(), manager);
      return null;
    }
    ChatPostMessageResponse reply = call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(userId.get())
        .text(SlackBlocks.reclaimManagerText(warning, null)).blocks(SlackBlocks.reclaimManagerWarning(warning))));
    return reply == null ? null : new ChatMessageRef(manager, reply.getChannel(), reply.getTs());
  }

  @Override
  public void settleManager(ChatMessageRef message, ReclaimWarning warning, String outcome) {
    call("chat.update", () -> slack.chatUpdate(r -> r.channel(message.channelId()).ts(message.ts())
        .text(SlackBlocks.reclaimManagerText(warning, outcome))
        .blocks(SlackBlocks.reclaimManagerSettled(warning, outcome))));
  }

  @Override
  public ChatMessageRef summarize(String owner, ReclaimSummary summary, ChatMessageRef shown,
      List<KeepAsked> news) {
    List<LayoutBlock> blocks = SlackBlocks.reclaimSummary(summary, ticketUrl(summary.ticketKey()));
    String text = SlackBlocks.reclaimSummaryText(summary);
    ChatMessageRef message = null;
    if (shown != null && call("chat.update", () -> slack.chatUpdate(r -> r.channel(shown.channelId()).ts(shown.ts())
        .text(text).blocks(blocks))) != null) {
      message = shown;
    } else {
      // Never posted, or gone (deleted, too old to edit): a new one takes its place.
      Optional<String> userId = userId(owner);
      if (userId.isEmpty()) {
        log.warn("reclaim {}: owner {} has no Slack account with that email; the summary is on the ticket only",
            summary.runId(), owner);
        return null;
      }
      ChatPostMessageResponse reply = call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(userId.get())
          .text(text).blocks(blocks)));
      if (reply == null) {
        return null;
      }
      message = new ChatMessageRef(owner, reply.getChannel(), reply.getTs());
    }
    ChatMessageRef under = message;
    for (KeepAsked k : news) {
      call("chat.postMessage", () -> slack.chatPostMessage(r -> r.channel(under.channelId()).threadTs(under.ts())
          .text(SlackBlocks.reclaimKeepAskedText(k))));
    }
    return message;
  }

  /** The Slack user id of an IdP login; empty when Slack knows no such email. Cached: ids never change. */
  Optional<String> userId(String login) {
    String key = login.toLowerCase();
    String known = userIds.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    UsersLookupByEmailResponse reply = call("users.lookupByEmail", () -> slack.usersLookupByEmail(r -> r.email(key)));
    if (reply == null || reply.getUser() == null) {
      return Optional.empty();
    }
    userIds.put(key, reply.getUser().getId());
    return Optional.of(reply.getUser().getId());
  }

  private String ticketUrl(String ticketKey) {
    return jiraBrowseUrl == null || ticketKey == null ? null
        : (jiraBrowseUrl.endsWith("/") ? jiraBrowseUrl : jiraBrowseUrl + "/") + ticketKey;
  }

  private interface SlackCall<T extends SlackApiTextResponse> {
    T run() throws IOException, SlackApiException;
  }

  /** Runs one Web API call: the reply when ok, null when Slack's "no" is permanent, else an exception. */
  private static <T extends SlackApiTextResponse> T call(String method, SlackCall<T> call) {
    T reply;
    try {
      reply = call.run();
    } catch (SlackApiException e) {
      // HTTP-level failure (429 with Retry-After, 5xx): Temporal's retry backs off.
      throw new IllegalStateException("Slack " + method + " answered HTTP " + e.getResponse().code());
    } catch (IOException e) {
      throw new IllegalStateException("Slack " + method + " unreachable: " + e.getMessage(), e);
    }
    if (reply.isOk()) {
      return reply;
    }
    if (PERMANENT.contains(reply.getError())) {
      log.warn("Slack {}: {} (skipped)", method, reply.getError());
      return null;
    }
    if (MISCONFIGURED.contains(reply.getError())) {
      throw ApplicationFailure.newNonRetryableFailure("Slack " + method + ": " + reply.getError()
          + " (check the bot token and the app's scopes)", "SlackMisconfigured");
    }
    throw new IllegalStateException("Slack " + method + ": " + reply.getError());
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
