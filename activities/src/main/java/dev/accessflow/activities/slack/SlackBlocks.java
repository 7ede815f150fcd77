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
