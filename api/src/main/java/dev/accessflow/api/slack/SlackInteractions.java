package dev.accessflow.api.slack;

import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.MethodsClient;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.accessflow.api.AccessRequestGateway;
import dev.accessflow.api.AccessRequestIntake;
import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.RequestIds;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.AccessRequestState;
import dev.accessflow.workflows.model.Channel;
import dev.accessflow.workflows.model.Decision;
import dev.accessflow.workflows.model.Extension;
import dev.accessflow.workflows.model.UpdateOutcome;
import dev.accessflow.workflows.model.Verdict;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Slack sends accessflow: the /access command and shortcut, the request modal, and the
 * Approve / Deny / Extend buttons. Every handler acknowledges at once and does the slow part
 * (Slack lookups, Temporal) on the executor, reporting back through response_url, ephemeral
 * messages or DMs, so Slack's 3-second limit holds even when Temporal is slow.
 */
public final class SlackInteractions {
  private static final Logger log = LoggerFactory.getLogger(SlackInteractions.class);

  /** Action ids of the buttons SlackChat (activities) posts: the two sides must agree. */
  public static final String ACTION_APPROVE = "access_approve";
  public static final String ACTION_DENY = "access_deny";
  public static final String ACTION_EXTEND = "access_extend";
  public static final String COMMAND = "/access";
  public static final String SHORTCUT = "access_request";
  public static final String DENY_CALLBACK_ID = "access_deny_reason";
  static final String DENY_BLOCK = "deny_reason";
  static final String DENY_ACTION = "deny_reason_input";
  static final int DENY_REASON_MAX = 500;


  private final AccessRequestIntake intake;
  private final AccessRequestGateway gateway;
  private final RequestModal modal;
  private final SlackIdentities identities;
  private final MethodsClient slack;
  private final Executor work;
  private final RequestIds requestIds = new RequestIds();

  public SlackInteractions(AccessRequestIntake intake, AccessRequestGateway gateway, RequestModal modal,
      SlackIdentities identities, MethodsClient slack, Executor work) {
    this.intake = intake;
    this.gateway = gateway;
    this.modal = modal;
    this.identities = identities;
    this.slack = slack;
    this.work = SlackReplies.guarded(work);
  }

  /** Registers every handler on the Bolt app. */
  public void register(App app) {
    app.command(COMMAND, (req, ctx) -> {
      String userId = req.getPayload().getUserId();
      String triggerId = req.getPayload().getTriggerId();
      work.execute(() -> openRequestModal(userId, triggerId));
      return ctx.ack();
    });
    app.globalShortcut(SHORTCUT, (req, ctx) -> {
      String userId = req.getPayload().getUser().getId();
      String triggerId = req.getPayload().getTriggerId();
      work.execute(() -> openRequestModal(userId, triggerId));
      return ctx.ack();
    });
    app.viewSubmission(RequestModal.CALLBACK_ID, (req, ctx) -> submitRequest(req.getPayload().getUser().getId(),
        req.getPayload().getView().getState(), ctx::ackWithErrors, ctx::ack));
    app.blockAction(ACTION_APPROVE, (req, ctx) -> {
      Click click = Click.of(req);
      onRequest(click, ctx, () -> decide(click, Verdict.APPROVE, null, ctx));
      return ctx.ack();
    });
    app.blockAction(ACTION_DENY, (req, ctx) -> {
      Click click = Click.of(req);
      onRequest(click, ctx, () -> openDenyModal(click, ctx));
      return ctx.ack();
    });
    app.viewSubmission(DENY_CALLBACK_ID, (req, ctx) -> {
      ViewState.Value reason = req.getPayload().getView().getState().getValues()
          .getOrDefault(DENY_BLOCK, Map.of()).get(DENY_ACTION);
      if (reason == null || reason.getValue() == null || reason.getValue().isBlank()) {
        return ctx.ackWithErrors(Map.of(DENY_BLOCK, "Say why you deny this request."));
      }
      String metadata = req.getPayload().getView().getPrivateMetadata();
      String[] meta = (metadata == null ? "" : metadata).split("\\|", 2);
      if (!AccessRequestIntake.isRequestId(meta[0])) {
        return ctx.ackWithErrors(Map.of(DENY_BLOCK, "This form names no accessflow request; click Deny on the request again."));
      }
      // The view id is stable for this modal, so a resubmitted modal is the same decision.
      Click click = new Click(meta[0], req.getPayload().getUser().getId(), req.getPayload().getView().getId(),
          meta.length > 1 ? Click.channel(meta[1]) : null);
      // The modal caps the reason at 500 characters; a forged or older form is cut to the same.
      String why = RequestModal.truncate(reason.getValue().strip(), DENY_REASON_MAX);
      work.execute(() -> decide(click, Verdict.DENY, why, null));
      return ctx.ack();
    });
    app.blockAction(ACTION_EXTEND, (req, ctx) -> {
      Click click = Click.of(req);
      onRequest(click, ctx, () -> extend(click, ctx));
      return ctx.ack();
    });
    // Choosing a role narrows the duration list to what that role allows.
    app.blockAction(RequestModal.ROLE_ACTION, (req, ctx) -> {
      var payload = req.getPayload();
      var chosen = payload.getActions().get(0).getSelectedOption();
      if (payload.getView() != null && chosen != null) {
        String userId = payload.getUser().getId();
        String viewId = payload.getView().getId();
        String hash = payload.getView().getHash();
        work.execute(() -> narrowDurations(userId, viewId, hash, chosen.getValue()));
      }
      return ctx.ack();
    });
  }

  /** One button click, reduced to what the decision needs. */
  record Click(String requestId, String slackUserId, String clickId, String channelId) {
    static Click of(BlockActionRequest req) {
      var payload = req.getPayload();
      var action = payload.getActions().get(0);
      String channel = payload.getContainer() != null ? payload.getContainer().getChannelId()
          : payload.getChannel() != null ? payload.getChannel().getId() : null;
      return new Click(action.getValue(), payload.getUser().getId(), action.getActionTs(), channel(channel));
    }

    /** A Slack channel id is short; anything else is dropped rather than echoed into a modal's metadata. */
    static String channel(String id) {
      return id != null && id.length() <= 64 && id.matches("[A-Za-z0-9]+") ? id : null;
    }

    /** The decision's event id (and so its Temporal update id): the same click delivered twice is one decision. */
    String eventId() {
      return "slack-" + clickId + "-" + slackUserId;
    }
  }

  /** Our buttons carry a request id: a click whose value is anything else is answered, never acted on. */
  private void onRequest(Click click, ActionContext ctx, Runnable action) {
    work.execute(() -> {
      if (AccessRequestIntake.isRequestId(click.requestId())) {
        action.run();
        return;
      }
      log.warn("Slack click with a value that is not a request id ({} characters) ignored",
          click.requestId() == null ? 0 : click.requestId().length());
      tell(click.slackUserId(), ctx, "This button does not name an accessflow request; nothing was done.");
    });
  }

  private void openRequestModal(String slackUserId, String triggerId) {
    try {
      Optional<String> requester = identities.login(slackUserId);
      if (requester.isEmpty()) {
        tell(slackUserId, null, "accessflow could not find an email on your Slack profile, so it cannot tell who you are"
            + " in the identity provider. Ask an admin.");
        return;
      }
      var reply = slack.viewsOpen(r -> r.triggerId(triggerId).view(modal.view(requester.get())));
      if (!reply.isOk()) {
        log.warn("Slack views.open for the request modal: {}", reply.getError());
      }
    } catch (Exception e) {
      log.warn("could not open the request modal: {}", e.toString());
    }
  }

  private void narrowDurations(String slackUserId, String viewId, String hash, String role) {
    try {
      Optional<String> requester = identities.login(slackUserId);
      if (requester.isPresent()) {
        // The hash makes Slack refuse the update if the person changed the modal in the meantime.
        var reply = slack.viewsUpdate(r -> r.viewId(viewId).hash(hash).view(modal.view(requester.get(), role)));
        if (!reply.isOk() && !"hash_conflict".equals(reply.getError())) {
          log.warn("Slack views.update of the request modal: {}", reply.getError());
        }
      }
    } catch (Exception e) {
      log.warn("could not narrow the request modal: {}", e.toString());
    }
  }

  interface ErrorsAck {
    Response ack(Map<String, String> errors);
  }

  interface PlainAck {
    Response ack();
  }

  /**
   * Validates a submitted modal while Slack waits (local checks only; the email is cached from
   * opening the modal) so mistakes show next to the field, then starts the workflow in the background.
   */
  Response submitRequest(String slackUserId, ViewState state, ErrorsAck errors, PlainAck close) {
    String requester;
    try {
      requester = identities.login(slackUserId).orElse(null);
    } catch (Exception e) {
      return errors.ack(Map.of(RequestModal.ROLE_BLOCK, "Slack did not say who you are just now; try again."));
    }
    if (requester == null) {
      return errors.ack(Map.of(RequestModal.ROLE_BLOCK, "Your Slack profile has no email accessflow can match."));
    }
    AccessRequest request;
    try {
      request = intake.toRequest(RequestModal.ask(requestIds.next(), requester, state));
    } catch (ApiProblem problem) {
      return errors.ack(Map.of(RequestModal.blockFor(problem.field(), state), problem.getMessage()));
    }
    if (!modal.allows(requester, request.app(), request.role())) {
      return errors.ack(Map.of(RequestModal.ROLE_BLOCK, "You may not request this role here (you are its only approver)."));
    }
    work.execute(() -> {
      AccessRequest admitted;
      try {
        admitted = intake.checkRequester(request).request();
      } catch (ApiProblem refused) {
        tell(slackUserId, null, "Your request for " + request.app() + " / " + request.role() + " was not submitted: "
            + refused.getMessage() + ". Ask your identity-provider admin if this looks wrong.");
        return;
      }
      try {
        gateway.start(admitted);
        tell(slackUserId, null, "Request *" + request.requestId() + "* for " + request.app() + " / " + request.role()
            + " (" + request.duration() + ") is submitted. You will get a DM when it is decided.");
      } catch (Exception e) {
        log.warn("request {} from Slack could not be started: {}", request.requestId(), e.toString());
        tell(slackUserId, null, "Your request for " + request.app() + " / " + request.role()
            + " could not be started: " + e.getMessage() + ". Please try again.");
      }
    });
    return close.ack();
  }

  private void decide(Click click, Verdict verdict, String comment, ActionContext ctx) {
    String answer;
    try {
      Optional<String> actor = identities.login(click.slackUserId());
      if (actor.isEmpty()) {
        answer = "Not recorded: your Slack profile has no email accessflow can match to an approver.";
      } else {
        UpdateOutcome outcome = gateway.decide(click.requestId(),
            new Decision(click.eventId(), actor.get(), verdict, Channel.SLACK, comment));
        answer = "Recorded for " + click.requestId() + ": " + outcome.message() + ".";
      }
    } catch (ApiProblem refused) {
      // The workflow's own reason: not an approver, the requester, or already decided by whom.
      answer = "Not recorded: " + refused.getMessage() + ".";
    } catch (Exception e) {
      log.warn("Slack decision on {} failed: {}", click.requestId(), e.toString());
      answer = "accessflow could not record your decision just now; please click again in a minute.";
    }
    tell(click.slackUserId(), ctx, answer);
  }

  private void openDenyModal(Click click, ActionContext ctx) {
    View deny = view(v -> v.type("modal").callbackId(DENY_CALLBACK_ID)
        .privateMetadata(click.requestId() + "|" + (click.channelId() == null ? "" : click.channelId()))
        .title(viewTitle(t -> t.type("plain_text").text("Deny request")))
        .submit(viewSubmit(t -> t.type("plain_text").text("Deny")))
        .close(viewClose(t -> t.type("plain_text").text("Cancel")))
        .blocks(java.util.List.of(
            section(s -> s.text(markdownText("Deny request *" + click.requestId() + "*. The requester sees your reason."))),
            input(i -> i.blockId(DENY_BLOCK).label(plainText("Reason"))
                .element(plainTextInput(e -> e.actionId(DENY_ACTION).multiline(true).maxLength(DENY_REASON_MAX)))))));
    try {
      var reply = ctx.client().viewsOpen(r -> r.triggerId(ctx.getTriggerId()).view(deny));
      if (!reply.isOk()) {
        tell(click.slackUserId(), ctx, "Could not open the deny form (" + reply.getError() + "); click Deny again.");
      }
    } catch (Exception e) {
      tell(click.slackUserId(), ctx, "Could not open the deny form; click Deny again.");
    }
  }

  /**
   * The requester asks for more time on the grant itself (the extend Update, as the requester):
   * the workflow sends it through the route again, or applies it at once where the tier allows
   * self-extension. One more original duration, capped at the role's maximum.
   */
  private void extend(Click click, ActionContext ctx) {
    String answer;
    try {
      String requester = identities.login(click.slackUserId()).orElse(null);
      AccessRequestState state = gateway.state(click.requestId());
      AccessRequest granted = state.request();
      if (requester == null || !requester.equalsIgnoreCase(granted.requester())) {
        answer = "Only " + granted.requester() + " can ask to extend " + click.requestId() + ".";
      } else if (state.grantedAt() == null || state.expiresAt() == null) {
        answer = "Request " + click.requestId() + " is " + state.status() + "; only an active grant can be extended.";
      } else {
        Duration current = Duration.between(state.grantedAt(), state.expiresAt());
        Duration longer = current.plus(granted.duration());
        Duration wanted = longer.compareTo(granted.maxDuration()) > 0 ? granted.maxDuration() : longer;
        UpdateOutcome outcome = gateway.extend(click.requestId(),
            new Extension(click.eventId(), requester, Channel.SLACK, wanted, "asked from Slack"));
        answer = "Extension of " + click.requestId() + " to " + wanted + ": " + outcome.message();
      }
    } catch (ApiProblem problem) {
      answer = "Could not extend " + click.requestId() + ": " + problem.getMessage();
    } catch (Exception e) {
      log.warn("Slack extension of {} failed: {}", click.requestId(), e.toString());
      answer = "accessflow could not ask for the extension just now; please try again.";
    }
    tell(click.slackUserId(), ctx, answer);
  }

  private void tell(String slackUserId, ActionContext ctx, String text) {
    SlackReplies.tell(slack, slackUserId, ctx, text);
  }

}
