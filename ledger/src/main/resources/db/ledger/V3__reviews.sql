-- Access reviews: campaigns that certify what the inventory says exists, whoever granted it.

-- The department a membership began under, so a review can say "moved from Engineering to Sales".
ALTER TABLE memberships ADD COLUMN first_department text;
UPDATE memberships SET first_department = department;

CREATE TABLE reviews (
    review_id        text        PRIMARY KEY,
    name             text        NOT NULL,
    -- {"apps": [...], "roles": ["app/role", ...]}
    scope            jsonb       NOT NULL,
    -- owners, manager, group:<IdP group id>, or people:<login>,<login>
    reviewer_rule    text        NOT NULL,
    -- keep, revoke or escalate: what happens to items nobody reviewed by the due date
    unreviewed       text        NOT NULL,
    escalate_to      text[]      NOT NULL,
    started_by       text        NOT NULL,
    -- rest, or schedule (the catalog's recurring review)
    started_via      text        NOT NULL,
    started_at       timestamptz NOT NULL,
    due_at           timestamptz NOT NULL,
    -- opening, open, escalated (past the due date, with the escalation reviewers), closing, closed
    state            text        NOT NULL,
    -- the last (app, role, login) opened, so a retried page opens nothing twice
    open_cursor      text,
    items            integer     NOT NULL DEFAULT 0,
    ticket_key       text,
    escalated_at     timestamptz,
    closed_at        timestamptz,
    -- what the unreviewed rule did, in words, on the campaign's record
    outcome          text
);

-- One item per person per role in scope: what a reviewer certifies, and what became of it.
CREATE TABLE review_items (
    item_id          bigserial   PRIMARY KEY,
    review_id        text        NOT NULL REFERENCES reviews (review_id),
    app              text        NOT NULL,
    role             text        NOT NULL,
    login            text        NOT NULL,
    groups           text[]      NOT NULL,
    idp_user_id      text,
    display_name     text,
    -- grant (request_id, approvers and expires_at say which), standing or out-of-band
    source           text        NOT NULL,
    request_id       text,
    approvers        text,
    expires_at       timestamptz,
    idp_status       text,
    last_login       timestamptz,
    department       text,
    first_department text,
    title            text,
    manager          text,
    -- keep or revoke, the rule that said so, and why in words
    recommendation   text        NOT NULL,
    recommended_by   text        NOT NULL,
    recommendation_reason text   NOT NULL,
    -- lower-case logins of the people who may decide it (never the member)
    reviewers        text[]      NOT NULL,
    -- why the reviewers are who they are, when the rule could not be followed (no manager, self)
    reviewers_note   text,
    -- keep or revoke, once
    decision         text,
    decided_by       text,
    decided_via      text,
    decided_at       timestamptz,
    comment          text,
    -- kept or revoked: what the unreviewed rule did to it (decision stays null)
    unreviewed_outcome text,
    -- pending, done
    revocation_state text,
    revoked_at       timestamptz,
    revocation_detail text,
    revocation_error text,
    revocation_attempts integer  NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    -- written to the campaign's ticket (decision, then revocation)
    decision_reported boolean    NOT NULL DEFAULT false,
    revocation_reported boolean  NOT NULL DEFAULT false,
    UNIQUE (review_id, app, role, login)
);
CREATE INDEX review_items_pending ON review_items (review_id) WHERE decision IS NULL AND unreviewed_outcome IS NULL;
CREATE INDEX review_items_revocations ON review_items (review_id, next_attempt_at) WHERE revocation_state = 'pending';
CREATE INDEX review_items_unreported ON review_items (review_id, item_id)
    WHERE (decided_at IS NOT NULL OR unreviewed_outcome IS NOT NULL) AND NOT decision_reported
       OR revocation_state = 'done' AND NOT revocation_reported;

-- Where each reviewer's Slack message of a campaign is, so it is edited in place, never re-posted.
CREATE TABLE review_messages (
    review_id        text        NOT NULL REFERENCES reviews (review_id),
    reviewer         text        NOT NULL,
    channel          text        NOT NULL,
    ts               text        NOT NULL,
    PRIMARY KEY (review_id, reviewer)
);
