package dev.accessflow.workflows.model;

/**
 * An approver's decision as it arrives from Slack, Jira or REST.
 *
 * @param eventId the external event id (Slack action ts, Jira webhook identifier, REST
 *     idempotency key); also used as the Temporal update id so a redelivery is applied once
 * @param actor IdP login of the person deciding, resolved at the edge
 */
public record Decision(String eventId, String actor, Verdict verdict, Channel channel, String comment) {}
