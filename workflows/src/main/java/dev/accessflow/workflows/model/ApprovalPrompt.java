package dev.accessflow.workflows.model;

import java.util.List;

/** What approvers of one stage are asked to decide. */
public record ApprovalPrompt(AccessRequest request, ApprovalStage stage, List<String> approvers, String ticketKey) {}
