/**
 * The Jira Cloud ticket adapter: each access request is one Jira issue, the audit record of the
 * request. {@link dev.accessflow.activities.jira.JiraTickets} implements the workflow's ticket
 * port on {@link dev.accessflow.activities.jira.JiraClient}, a small typed client of the Jira
 * Cloud platform REST API v3 (Basic auth with an account email and API token).
 *
 * <p>What the Jira site needs: the project's create screen must allow {@code labels} (the label
 * {@code accessflow-<requestId>} is how a retried create finds its issue; entity properties are
 * not searchable by JQL without an app that indexes them); the account needs Browse, Create,
 * Add comments, Transition issues and Edit issues (entity properties) in the project, and
 * "Browse users" to read an approver's email; the status names in
 * {@link dev.accessflow.activities.jira.JiraConfig} must match the project's workflow (a missing
 * transition is logged, not failed). Configured custom fields are set as plain text values.
 *
 * <p>Webhooks: {@link dev.accessflow.activities.jira.JiraWebhookSignature} checks
 * {@code X-Hub-Signature}; the handler re-reads the issue with
 * {@link dev.accessflow.activities.jira.JiraClient#getIssueWithChangelog} and maps the changelog
 * author to an email with {@link dev.accessflow.activities.jira.JiraClient#getUser}.
 */
package dev.accessflow.activities.jira;
