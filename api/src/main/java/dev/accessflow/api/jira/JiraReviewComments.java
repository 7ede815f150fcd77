package dev.accessflow.api.jira;

import dev.accessflow.api.ApiProblem;
import dev.accessflow.api.ReviewDecisions;
import dev.accessflow.workflows.model.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Review decisions written as comments on a campaign's Jira issue, one per line: {@code keep 12 13}
 * or {@code revoke 14: moved to Sales} (a revoke needs the reason after the colon). The comment is
 * read back from Jira's API (the delivery only says which), its author is the reviewer, and the same
 * rules as Slack and REST apply; accessflow answers with a comment saying what it recorded and what
 * it refused, and why.
 */
public final class JiraReviewComments {
  /** The prefix of the issue property of a campaign's issue (JiraTickets writes "review-" + the review id). */
  public static final String REVIEW_PREFIX = "review-";
  static final Pattern LINE = Pattern.compile("(?i)^\\s*(keep|revoke)\\s+((?:#?\\d{1,18}[\\s,]*)+?)\\s*(?::\\s*(.*))?$");
  /** Items one comment may decide. */
  static final int MAX_ITEMS = 100;

  private final JiraIssues issues;
  private final ReviewDecisions decisions;
  private final String serviceAccountEmail;

  public JiraReviewComments(JiraIssues issues, ReviewDecisions decisions, String serviceAccountEmail) {
    this.issues = issues;
    this.decisions = decisions;
    this.serviceAccountEmail = serviceAccountEmail;
  }

  /** One decision a comment asks for. */
  record Command(String verdict, long itemId, String comment) {}

  /** The decisions of a comment's text, in order; lines that are not decisions are ignored. */
  static List<Command> parse(String text) {
    List<Command> commands = new ArrayList<>();
    for (String line : text == null ? new String[0] : text.split("\\R")) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      String verdict = m.group(1).toLowerCase(Locale.ROOT);
      String comment = m.group(3) == null || m.group(3).isBlank() ? null : m.group(3).strip();
      for (String id : m.group(2).split("[\\s,]+")) {
        if (!id.isBlank() && commands.size() < MAX_ITEMS) {
          commands.add(new Command(verdict, Long.parseLong(id.replace("#", "")), comment));
        }
      }
    }
    return commands;
  }

  /** Applies the comment's decisions to the review; returns what was done, for the webhook's answer. */
  public String handle(String issueKey, String reviewId, String commentId) {
    Optional<JiraIssues.IssueComment> found = issues.readComment(issueKey, commentId);
    if (found.isEmpty()) {
      return "no comment " + commentId + " on " + issueKey;
    }
    List<Command> commands = parse(found.get().text());
    if (commands.isEmpty()) {
      return "no review decision in the comment";
    }
    String author = found.get().authorAccountId();
    String reviewer = author == null ? null : issues.email(author).orElse(null);
    if (reviewer != null && reviewer.equalsIgnoreCase(serviceAccountEmail)) {
      return "accessflow's own comment";
    }
    if (reviewer == null) {
      issues.comment(issueKey, "accessflow did not record these review decisions: the email address of the person who"
          + " commented could not be read from Jira, so accessflow cannot check that they review these items.");
      return "refused: no email for the commenter";
    }
    List<String> recorded = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Command c : commands) {
      try {
        decisions.decide(reviewId, c.itemId(), c.verdict(), c.comment(), reviewer.toLowerCase(Locale.ROOT), Channel.JIRA);
        recorded.add(c.verdict() + " " + c.itemId());
      } catch (ApiProblem problem) {
        refused.add("item " + c.itemId() + " (" + problem.getMessage() + ")");
      }
    }
    StringBuilder reply = new StringBuilder();
    if (!recorded.isEmpty()) {
      reply.append("Recorded for ").append(reviewer).append(": ").append(String.join(", ", recorded)).append(".");
    }
    if (!refused.isEmpty()) {
      reply.append(reply.isEmpty() ? "" : " ").append("Not recorded: ").append(String.join("; ", refused)).append(".");
    }
    issues.comment(issueKey, reply.toString());
    return recorded.size() + " recorded, " + refused.size() + " refused";
  }
}
