package dev.accessflow.workflows.request;

import dev.accessflow.workflows.model.AccessRequest;
import dev.accessflow.workflows.model.ApprovalStage;
import dev.accessflow.workflows.model.RecordedDecision;
import java.util.List;

/** What a request says on its ticket and in chat, as plain functions of its state. */
final class RequestTexts {
  private RequestTexts() {}

  static String submitted(AccessRequest request, List<ApprovalStage> route, List<String> routeNotes) {
    return request.requester() + " asked for " + request.app() + " / " + request.role()
        + " for " + request.duration() + " (risk " + request.riskTier() + ", via " + request.source() + ")."
        + " Reason: " + request.reason() + ". Route: " + route(route) + "."
        + (routeNotes.isEmpty() ? "" : " Note: " + String.join("; ", routeNotes) + ".");
  }

  static String route(List<ApprovalStage> route) {
    if (route.isEmpty()) {
      return "no approval required";
    }
    return String.join(" then ", route.stream().map(RequestTexts::stage).toList());
  }

  static String stage(ApprovalStage stage) {
    if (stage.requesterManager()) {
      return "'" + stage.name() + "' (" + stage.rule() + " the requester's manager"
          + (stage.approvers().isEmpty() ? "" : ", " + String.join(", ", stage.approvers())) + ")";
    }
    String rule = stage.required() == 1 ? "any of"
        : stage.required() == stage.approvers().size() ? "all of" : stage.required() + " of";
    return "'" + stage.name() + "' (" + rule + " " + String.join(", ", stage.approvers()) + ")";
  }

  static String approvals(List<RecordedDecision> decisions) {
    return String.join("; ", decisions.stream()
        .map(d -> d.stage() + ": " + d.actor() + " via " + d.channel() + " at " + d.at())
        .toList());
  }

  /** " via SLACK: comment" style suffix of a decision. */
  static String comment(String comment) {
    return comment == null ? "" : ": " + comment;
  }

  static String denied(RecordedDecision denial) {
    return "Denied by " + denial.actor() + " via " + denial.channel() + comment(denial.comment()) + ". Nothing was granted.";
  }

  static String approvedAtStage(RecordedDecision decision, ApprovalStage stage, long approvals) {
    return "Approved by " + decision.actor() + " via " + decision.channel() + " at stage '" + stage.name() + "' ("
        + approvals + " of " + stage.required() + ")" + comment(decision.comment()) + ".";
  }

  static String breakGlass(AccessRequest request, List<ApprovalStage> route) {
    return "Break-glass: " + request.requester() + " took emergency access to " + request.app() + " / "
        + request.role() + " for " + request.duration() + " without prior approval. Reason: " + request.reason()
        + ". Review after the fact by: " + route(route) + ".";
  }

  static String reminder(AccessRequest request, ApprovalStage stage, String since, List<String> waitingOn) {
    return "Reminder: request " + request.requestId() + " (" + request.requester() + ", " + request.app() + " / "
        + request.role() + ") has waited for stage '" + stage.name() + "' since " + since + ". Waiting on "
        + String.join(", ", waitingOn) + ".";
  }

  static String expiringSoon(AccessRequest request, String at) {
    return "Access to " + request.app() + " / " + request.role() + " ends at " + at + "."
        + " Ask to extend it if you still need it" + (request.policy().selfExtend() ? " (you may extend it yourself)" : "") + ".";
  }
}
