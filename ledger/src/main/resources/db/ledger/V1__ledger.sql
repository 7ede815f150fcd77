-- The ledger: what accessflow remembers after Temporal's retention forgets a request.

-- One row per request, kept current from the workflow's own state as it moves.
CREATE TABLE requests (
    request_id      text        PRIMARY KEY,
    requester       text        NOT NULL,
    app             text        NOT NULL,
    role            text        NOT NULL,
    groups          text[]      NOT NULL,
    risk_tier       text,
    reason          text,
    source          text,
    ticket_key      text,
    route           jsonb       NOT NULL,
    status          text        NOT NULL,
    -- people, policy or break-glass (the "approved N times before" rule counts only people)
    approved_by     text,
    submitted_at    timestamptz NOT NULL,
    granted_at      timestamptz,
    expires_at      timestamptz,
    revoked_at      timestamptz,
    revocation_lag_ms bigint,
    last_error      text,
    -- the workflow's count of the parts it sent: a late retry never overwrites newer state
    revision        bigint      NOT NULL,
    request         jsonb       NOT NULL,
    state           jsonb       NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE INDEX requests_newest ON requests (submitted_at DESC, request_id DESC);
CREATE INDEX requests_by_person ON requests (lower(requester), app, role);
CREATE INDEX requests_by_app ON requests (app, role, submitted_at DESC);

CREATE TABLE decisions (
    request_id  text        NOT NULL REFERENCES requests (request_id),
    event_id    text        NOT NULL,
    actor       text        NOT NULL,
    verdict     text        NOT NULL,
    channel     text        NOT NULL,
    comment     text,
    stage       text,
    at          timestamptz NOT NULL,
    PRIMARY KEY (request_id, event_id)
);

-- One row per group of a request that was granted: who held which group from when to when.
CREATE TABLE grants (
    request_id        text        NOT NULL REFERENCES requests (request_id),
    group_id          text        NOT NULL,
    group_name        text,
    idp               text        NOT NULL,
    requester         text        NOT NULL,
    idp_user_id       text,
    app               text        NOT NULL,
    role              text        NOT NULL,
    granted_at        timestamptz NOT NULL,
    expires_at        timestamptz,
    removed_at        timestamptz,
    revocation_lag_ms bigint,
    -- the person was a member before this grant: accessflow left the membership in place
    standing          boolean     NOT NULL,
    PRIMARY KEY (request_id, group_id)
);
CREATE INDEX grants_by_access ON grants (app, role, granted_at);
CREATE INDEX grants_by_person ON grants (lower(requester), granted_at);

-- Append-only and hash-chained: each row's hash covers its content and the previous row's hash.
CREATE TABLE audit_log (
    position     bigint      PRIMARY KEY,
    request_id   text        NOT NULL,
    sequence     bigint      NOT NULL,
    at           timestamptz NOT NULL,
    recorded_at  timestamptz NOT NULL,
    kind         text        NOT NULL,
    status       text        NOT NULL,
    text         text        NOT NULL,
    requester    text        NOT NULL,
    app          text        NOT NULL,
    role         text        NOT NULL,
    ticket_key   text,
    prev_hash    text        NOT NULL,
    hash         text        NOT NULL,
    UNIQUE (request_id, sequence)
);
CREATE INDEX audit_by_time ON audit_log (at);

-- The chain's tail; its row lock orders every append.
CREATE TABLE audit_chain (
    id        int    PRIMARY KEY CHECK (id = 1),
    position  bigint NOT NULL,
    hash      text   NOT NULL
);
INSERT INTO audit_chain VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
