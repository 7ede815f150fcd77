package dev.accessflow.activities.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.asElements;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalPrompt;
import dev.accessflow.workflows.model.AuditKind;
import dev.accessflow.workflows.model.RecordedDecision;
import dev.accessflow.workflows.model.Verdict;
import dev.accessflow.workflows.model.RequesterNotice;
import dev.accessflow.workflows.ports.ReclaimMessages;
import dev.accessflow.workflows.ports.ReviewMessages;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Block Kit for every message accessflow posts. The action ids are the contract with the inbound
 * handlers in the api module (dev.accessflow.api.slack): rename them on both sides or not at all.
 */
public final class SlackBlocks {
  private SlackBlocks() {}

  public static final String ACTION_APPROVE = "access_approve";
  public static final String ACTION_DENY = "access_deny";
  public static final String ACTION_EXTEND = "access_extend";
  /** Block id of the buttons: carries the request id so a click names its request without parsing values. */
  public static final String DECISION_BLOCK_PREFIX = "decision:";

  /** Review buttons: the value is "reviewId:itemId" (reviewId alone for the bulk keep). */
  public static final String ACTION_REVIEW_KEEP = "review_keep";
  public static final String ACTION_REVIEW_REVOKE = "review_revoke";
  public static final String ACTION_REVIEW_KEEP_RECOMMENDED = "review_keep_recommended";
  /** Items one review message shows: two blocks each, with room for the rest inside Block Kit's 50. */
  public static final int REVIEW_ITEMS_MAX = 20;

  /**
   * A reviewer's message: what is left for them, a page of items (who, what, from where, last
   * sign-in, the recommendation and why) with Keep / Revoke, and the bulk keep of the recommended.
   */
  public static List<LayoutBlock> reviewDigest(ReviewMessages.ReviewerDigest d) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(headerText("Access review: " + d.name()))));
    String lead = switch (d.occasion()) {
      case "reminder" -> ":alarm_clock: *Reminder:* ";
      case "escalated" -> ":rotating_light: *Escalated to you:* nobody reviewed these by the due date. ";
      default -> "";
    };
    String status = d.left() == 0 ? ":white_check_mark: Nothing left for you in this review. Thank you."
        : lead + "*" + d.left() + (d.left() == 1 ? " item" : " items") + "* left for you, due " + slackDate(d.dueAt())
            + ". Keep what people still need; revoke the rest (a revoke removes the access in the IdP).";
    blocks.add(section(s -> s.text(sectionText(status))));
    List<ReviewMessages.DigestItem> shown = d.items().subList(0, Math.min(d.items().size(), REVIEW_ITEMS_MAX));
    for (ReviewMessages.DigestItem i : shown) {
      String who = i.displayName() == null || i.displayName().equalsIgnoreCase(i.login()) ? escape(i.login())
          : escape(i.displayName()) + " (" + escape(i.login()) + ")";
      String source = switch (i.source() == null ? "" : i.source()) {
        case "grant" -> "granted by request " + escape(i.requestId());
        case "out-of-band" -> "added outside accessflow";
        default -> "standing access";
      };
      String profile = (i.department() == null ? "" : " · " + escape(i.department()))
          + (i.title() == null ? "" : " · " + escape(i.title()));
      String text = "*" + who + "* · " + escape(i.app() + " / " + i.role()) + "\n" + source + " · last sign-in "
          + escape(i.lastLogin()) + profile + "\nRecommended: *" + escape(i.recommendation()) + "* — "
          + escape(i.reason());
      String value = d.reviewId() + ":" + i.itemId();
      blocks.add(section(s -> s.text(sectionText(text))));
      blocks.add(actions(a -> a.blockId("review:" + value).elements(asElements(
          button(b -> b.actionId(ACTION_REVIEW_KEEP).text(plainText("Keep")).value(value)),
          button(b -> b.actionId(ACTION_REVIEW_REVOKE).style("danger").text(plainText("Revoke…")).value(value))))));
    }
    if (d.left() > 0 && d.recommendedKeeps() > 0) {
      blocks.add(actions(a -> a.blockId("review-bulk:" + d.reviewId()).elements(asElements(
          button(b -> b.actionId(ACTION_REVIEW_KEEP_RECOMMENDED).style("primary")
              .text(plainText("Keep all " + d.recommendedKeeps() + " recommended")).value(d.reviewId()))))));
    }
    String more = d.left() > shown.size() ? "Showing " + shown.size() + " of " + d.left()
        + "; decided items leave this message and the next ones take their place. " : "";
    blocks.add(context(c -> c.elements(List.of(fitted(more + "Review " + escape(d.reviewId())
        + " · you never review your own access · GET /v1/reviews/" + escape(d.reviewId()), CONTEXT_TEXT)))));
    return blocks;
  }

  /** Reclaim's button: the value is the reclaim item id; it opens a form for the reason. */
  public static final String ACTION_RECLAIM_KEEP = "reclaim_keep";

  /**
   * A reclaim warning to the person: what access, why it is found unused (the signal and the last
   * use), when it goes, and the two ways to keep it: use it, or Keep access with a reason.
   */
  public static List<LayoutBlock> reclaimWarning(ReclaimMessages.ReclaimWarning w) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(headerText("Unused access: " + w.appName()))));
    String confirm = "owner".equals(w.keepConfirmedBy())
        ? " An owner of the app (" + escape(String.join(", ", w.owners())) + ") confirms a Keep." : "";
    blocks.add(section(s -> s.text(sectionText("Your access to *" + escape(w.appName()) + " / " + escape(w.role())
        + "* (" + escape(String.join(", ", w.groups())) + ") looks unused: " + escape(w.finding()) + ".\n"
        + "It is removed " + slackDate(w.graceEndsAt()) + " unless you sign in to " + escape(w.appName())
        + " before then (nothing else to do) or keep it with a reason." + confirm))));
    blocks.add(actions(a -> a.blockId("reclaim:" + w.itemId()).elements(asElements(
        button(b -> b.actionId(ACTION_RECLAIM_KEEP).style("primary").text(plainText("Keep access…"))
            .value(Long.toString(w.itemId())))))));
    blocks.add(context(c -> c.elements(List.of(fitted("Reclaim " + escape(w.runId()) + " · item " + w.itemId()
        + " · GET /v1/reclaim?run=" + escape(w.runId()), CONTEXT_TEXT)))));
    return blocks;
  }

  /** The same message once the item is settled: what became of the access, and no button. */
  public static List<LayoutBlock> reclaimSettled(ReclaimMessages.ReclaimWarning w, String outcome) {
    return List.of(
        header(h -> h.text(headerText("Unused access: " + w.appName()))),
        section(s -> s.text(sectionText("Your access to *" + escape(w.appName()) + " / " + escape(w.role())
            + "* (" + escape(String.join(", ", w.groups())) + "): " + escape(outcome)))),
        context(c -> c.elements(List.of(fitted("Reclaim " + escape(w.runId()) + " · item " + w.itemId(),
            CONTEXT_TEXT)))));
  }

  /** The top-level text of a reclaim message (notifications, screen readers). */
  public static String reclaimText(ReclaimMessages.ReclaimWarning w, String outcome) {
    return fit(outcome != null ? w.appName() + " / " + w.role() + ": " + outcome
        : "Your access to " + w.appName() + " / " + w.role() + " looks unused and is removed " + w.graceEndsAt()
            + " unless you use it or keep it", MESSAGE_TEXT);
  }

  /**
   * A reclaim warning to the person's manager: whose access, why it is found unused, when it goes,
   * and that they may keep it with a reason (the same Keep as the person's).
   */
  public static List<LayoutBlock> reclaimManagerWarning(ReclaimMessages.ReclaimWarning w) {
    String confirm = "owner".equals(w.keepConfirmedBy())
        ? " An owner of the app (" + escape(String.join(", ", w.owners())) + ") confirms a Keep." : "";
    return List.of(
        header(h -> h.text(headerText("Unused access in your team: " + w.appName()))),
        section(s -> s.text(sectionText(person(w) + "'s access to *" + escape(w.appName()) + " / " + escape(w.role())
            + "* (" + escape(String.join(", ", w.groups())) + ") looks unused: " + escape(w.finding()) + ".\n"
            + "It is removed " + slackDate(w.graceEndsAt()) + " unless they sign in to " + escape(w.appName())
            + " before then. They have been told. If they still need it, say why and it is kept." + confirm))),
        actions(a -> a.blockId("reclaim:" + w.itemId()).elements(asElements(
            button(b -> b.actionId(ACTION_RECLAIM_KEEP).text(plainText("Keep access…"))
                .value(Long.toString(w.itemId())))))),
        context(c -> c.elements(List.of(fitted("You are told as " + escape(w.login()) + "'s manager in the IdP"
            + " · reclaim " + escape(w.runId()) + " · item " + w.itemId(), CONTEXT_TEXT)))));
  }

  /** The manager's message once the item is settled: what became of the access, and no button. */
  public static List<LayoutBlock> reclaimManagerSettled(ReclaimMessages.ReclaimWarning w, String outcome) {
    return List.of(
        header(h -> h.text(headerText("Unused access in your team: " + w.appName()))),
        section(s -> s.text(sectionText(person(w) + "'s access to *" + escape(w.appName()) + " / " + escape(w.role())
            + "* (" + escape(String.join(", ", w.groups())) + "): " + escape(outcome)))),
        context(c -> c.elements(List.of(fitted("Reclaim " + escape(w.runId()) + " · item " + w.itemId(),
            CONTEXT_TEXT)))));
  }

  /** The top-level text of a manager's reclaim message. */
  public static String reclaimManagerText(ReclaimMessages.ReclaimWarning w, String outcome) {
    String who = w.displayName() == null || w.displayName().isBlank() ? w.login() : w.displayName();
    return fit(outcome != null ? who + ", " + w.appName() + " / " + w.role() + ": " + outcome
        : who + "'s access to " + w.appName() + " / " + w.role() + " looks unused and is removed " + w.graceEndsAt()
            + " unless they use it or it is kept", MESSAGE_TEXT);
  }

  private static String person(ReclaimMessages.ReclaimWarning w) {
    return w.displayName() == null || w.displayName().isBlank() || w.displayName().equals(w.login())
        ? "*" + escape(w.login()) + "*" : "*" + escape(w.displayName()) + "* (" + escape(w.login()) + ")";
  }

  /**
   * One run as an app owner sees it, edited in place as it goes: the counts, the first findings,
   * each Keep waiting for an owner with its button, and where the rest is.
   */
  public static List<LayoutBlock> reclaimSummary(ReclaimMessages.ReclaimSummary r, String ticketUrl) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(headerText("Reclaim of " + r.appName() + (r.dryRun() ? " (dry-run)" : "")
        + (r.closed() ? ": closed" : "")))));
    String counts = r.dryRun()
        ? r.wouldReclaim() + " would be reclaimed; nothing was changed and nobody was told (dry-run). Set"
            + " `mode: enforce` in the catalog to warn these people and remove what stays unused."
        : r.warned() + " in their grace, " + r.keepRequested() + " Keeps waiting for an owner, " + r.kept()
            + " kept (a sign-in or a Keep), " + r.removing() + " being removed, " + r.removed() + " removed"
            + (r.nextGraceEnd() != null && !r.closed() ? "; the next grace ends " + slackDate(r.nextGraceEnd()) : "")
            + (r.wouldReclaim() > 0 ? "; " + r.wouldReclaim() + " would be reclaimed (roles in dry-run)" : "") + ".";
    blocks.add(section(s -> s.text(sectionText("*" + r.findings() + (r.findings() == 1 ? " finding" : " findings")
        + "* of access unused past the policy's threshold: " + counts
        + (r.exempt() + r.noSignal() > 0 ? " " + r.exempt() + " exempt, " + r.noSignal()
            + " without sign-in data (kept)." : "")))));
    if (!r.found().isEmpty()) {
      StringBuilder lines = new StringBuilder();
      r.found().forEach(line -> lines.append("• ").append(escape(line)).append("\n"));
      String more = r.findings() > r.found().size() ? "…and " + (r.findings() - r.found().size()) + " more." : "";
      blocks.add(section(s -> s.text(sectionText(lines + more))));
    }
    for (ReclaimMessages.KeepAsked k : r.awaitingOwner()) {
      blocks.add(section(s -> s.text(sectionText("*Keep asked for:* " + escape(k.login()) + " · " + escape(k.role())
          + ", by " + escape(k.askedBy()) + ": \"" + escape(k.reason()) + "\". Confirm it before "
          + slackDate(k.graceEndsAt()) + ", or the access is removed then."))));
      blocks.add(actions(a -> a.blockId("reclaim:" + k.itemId()).elements(asElements(
          button(b -> b.actionId(ACTION_RECLAIM_KEEP).style("primary").text(plainText("Confirm Keep…"))
              .value(Long.toString(k.itemId())))))));
    }
    String ticket = ticketUrl == null ? "" : " · <" + ticketUrl + "|" + escape(r.ticketKey()) + ">";
    blocks.add(context(c -> c.elements(List.of(fitted("Reclaim " + escape(r.runId()) + ticket + " · every item:"
        + " GET /v1/reclaim?run=" + escape(r.runId()) + " · you are told as an owner of " + escape(r.app()),
        CONTEXT_TEXT)))));
    return blocks;
  }

  /** The top-level text of an owner's summary. */
  public static String reclaimSummaryText(ReclaimMessages.ReclaimSummary r) {
    return fit("Reclaim of " + r.appName() + (r.dryRun() ? " (dry-run): " + r.wouldReclaim() + " would be reclaimed"
        : ": " + r.findings() + " findings, " + r.removed() + " removed, " + r.kept() + " kept, " + r.keepRequested()
            + " Keeps to confirm"), MESSAGE_TEXT);
  }

  /** Said under an owner's summary when a Keep starts waiting for them, so they are notified. */
  public static String reclaimKeepAskedText(ReclaimMessages.KeepAsked k) {
    return fit(k.askedBy() + " asks to keep " + k.login() + "'s " + k.role() + " access: \"" + k.reason()
        + "\". Confirm it with the button above before " + k.graceEndsAt() + ", or it is removed then.", MESSAGE_TEXT);
  }

  /** The top-level text of a reviewer's message (notifications, screen readers). */
  public static String reviewDigestText(ReviewMessages.ReviewerDigest d) {
    return fit("Access review " + d.name() + ": " + d.left() + " items left for you", MESSAGE_TEXT);
  }

  /** The approver's prompt: who, what, how long, why, risk, ticket, and the two buttons. */
  public static List<LayoutBlock> approvalPrompt(ApprovalPrompt prompt, String ticketUrl) {
    AccessRequest r = prompt.request();
    List<TextObject> fields = new ArrayList<>(List.of(
        field("*Requester*\n" + escape(r.requester())),
        field("*App / role*\n" + escape(r.app() + " / " + r.role())),
        field("*Duration*\n" + r.duration()),
        field("*Risk*\n" + escape(r.riskTier()))));
    if (ticketUrl != null) {
      fields.add(markdownText("*Ticket*\n<" + ticketUrl + "|" + escape(prompt.ticketKey()) + ">"));
    }
    fields.add(field("*Stage*\n" + escape(prompt.stage().name())));
    return List.of(
        header(h -> h.text(headerText("Access request " + r.requestId()))),
        section(s -> s.fields(fields)),
        section(s -> s.text(sectionText("*Reason*\n" + escape(r.reason())))),
        actions(a -> a.blockId(DECISION_BLOCK_PREFIX + r.requestId()).elements(asElements(
            button(b -> b.actionId(ACTION_APPROVE).style("primary").text(plainText("Approve")).value(r.requestId())),
            button(b -> b.actionId(ACTION_DENY).style("danger").text(plainText("Deny")).value(r.requestId()))))));
  }

  public static String approvalPromptText(ApprovalPrompt prompt) {
    AccessRequest r = prompt.request();
    return fit(r.requester() + " asks for " + r.app() + " / " + r.role() + " for " + r.duration() + ": " + r.reason(),
        MESSAGE_TEXT);
  }

  /**
   * The approver's message after the request was decided: the outcome replaces the buttons, with
   * who decided, where and when (decision may be null: a timeout, or not readable just now).
   */
  public static List<LayoutBlock> outcome(RequesterNotice notice, RecordedDecision decision, Instant at) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(header(h -> h.text(headerText("Access request " + notice.requestId() + ": " + headline(notice.kind())))));
    if (decision != null) {
      blocks.add(section(s -> s.text(sectionText("*" + (decision.verdict() == Verdict.APPROVE ? "Approved" : "Denied")
          + "* by " + escape(decision.actor()) + " via " + decision.channel() + " at " + slackDate(decision.at())
          + (decision.comment() == null || decision.comment().isBlank() ? "" : ": " + escape(decision.comment()))))));
    }
    blocks.add(section(s -> s.text(sectionText(escape(notice.text())))));
    blocks.add(context(c -> c.elements(List.of(fitted("Requested by " + escape(notice.requester()) + " · updated "
        + slackDate(at), CONTEXT_TEXT)))));
    return blocks;
  }

  /** A DM to the requester; an expiring grant carries an Extend button. */
  public static List<LayoutBlock> requesterNotice(RequesterNotice notice) {
    List<LayoutBlock> blocks = new ArrayList<>();
    blocks.add(section(s -> s.text(sectionText("*" + headline(notice.kind()) + "* · request " + notice.requestId()
        + "\n" + escape(notice.text())))));
    if (notice.kind() == AuditKind.EXPIRING_SOON) {
      blocks.add(actions(a -> a.blockId(DECISION_BLOCK_PREFIX + notice.requestId()).elements(asElements(
          button(b -> b.actionId(ACTION_EXTEND).text(plainText("Extend")).value(notice.requestId()))))));
    }
    return blocks;
  }

  /** A plain message (reminder, announcement) with a headline. */
  public static List<LayoutBlock> note(RequesterNotice notice) {
    return List.of(section(s -> s.text(sectionText("*" + headline(notice.kind()) + "* · request " + notice.requestId()
        + "\n" + escape(notice.text())))));
  }

  public static String headline(AuditKind kind) {
    return switch (kind) {
      case PROVISIONED -> "approved, access active";
      case APPROVED -> "approved";
      case DENIED -> "denied";
      case APPROVAL_TIMED_OUT -> "timed out";
      case EXPIRING_SOON -> "expiring soon";
      case EXTENDED -> "extended";
      case REVOKED -> "access removed";
      case FAILED -> "failed";
      case REMINDER -> "waiting for your decision";
      case ESCALATED -> "escalated";
      case BREAK_GLASS -> "break-glass access";
      default -> kind.name().toLowerCase().replace('_', ' ');
    };
  }

  // Block Kit's documented limits (https://api.slack.com/reference/block-kit/blocks): Slack refuses a
  // message with any text over them, so what a person typed is cut to fit instead.
  static final int SECTION_TEXT = 3000;
  static final int FIELD_TEXT = 2000;
  static final int HEADER_TEXT = 150;
  static final int CONTEXT_TEXT = 2000;
  /** chat.postMessage's top-level text: Slack truncates beyond 40,000; we stay well under. */
  public static final int MESSAGE_TEXT = 4000;

  private static TextObject sectionText(String mrkdwn) {
    return fitted(mrkdwn, SECTION_TEXT);
  }

  private static TextObject field(String mrkdwn) {
    return fitted(mrkdwn, FIELD_TEXT);
  }

  private static com.slack.api.model.block.composition.PlainTextObject headerText(String text) {
    return plainText(fit(text, HEADER_TEXT));
  }

  private static TextObject fitted(String mrkdwn, int max) {
    return markdownText(fit(mrkdwn, max));
  }

  /** At most max characters, cut with an ellipsis; never in the middle of an escape such as {@code &amp;}. */
  public static String fit(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    String cut = text.substring(0, max - 1);
    int amp = cut.lastIndexOf('&');
    if (amp >= 0 && cut.indexOf(';', amp) < 0) {
      cut = cut.substring(0, amp);
    }
    return cut + "…";
  }

  /** Slack renders this in the reader's own time zone; the fallback is UTC. */
  static String slackDate(Instant at) {
    return "<!date^" + at.getEpochSecond() + "^{date_short_pretty} {time}|" + at + ">";
  }

  /** Slack's mrkdwn needs only these three escaped; anything else a requester typed is shown as typed. */
  static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
