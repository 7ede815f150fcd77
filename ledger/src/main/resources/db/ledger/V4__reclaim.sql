-- Auto-reclaim: access nobody used for the policy's threshold is taken back after a warning and a grace.

-- The latest sign-in of each person to each app, as the IdP's log shows it (Okta: user.authentication.sso).
CREATE TABLE app_sign_ins (
    app            text        NOT NULL,
    login          text        NOT NULL,  -- lower case
    idp_user_id    text,
    last_sign_in   timestamptz NOT NULL,
    PRIMARY KEY (app, login)
);

-- How much of each app's sign-in log has been read: [covered_from, covered_until) is known.
CREATE TABLE app_usage_reads (
    app            text        PRIMARY KEY,
    idp_app        text        NOT NULL,
    covered_from   timestamptz NOT NULL,
    covered_until  timestamptz,
    -- the window being read ([window_from, window_until), resumed at after_cursor), or null between reads
    window_from    timestamptz,
    window_until   timestamptz,
    after_cursor   text,
    events         bigint      NOT NULL DEFAULT 0,
    pages          bigint      NOT NULL DEFAULT 0
);

-- One scan of one app: what it found, and the ticket it reports to.
CREATE TABLE reclaim_runs (
    run_id         text        PRIMARY KEY,
    app            text        NOT NULL,
    started_by     text        NOT NULL,
    -- schedule or rest
    started_via    text        NOT NULL,
    started_at     timestamptz NOT NULL,
    -- scanning, grace, closed
    state          text        NOT NULL,
    -- the last (role, login) scanned, so a retried page opens nothing twice
    open_cursor    text,
    ticket_key     text,
    closed_at      timestamptz
);
CREATE INDEX reclaim_runs_by_app ON reclaim_runs (app, started_at);

-- One person's membership of one role that the scan found unused past the threshold, and its end.
CREATE TABLE reclaim_items (
    item_id          bigserial   PRIMARY KEY,
    run_id           text        NOT NULL REFERENCES reclaim_runs (run_id),
    app              text        NOT NULL,
    role             text        NOT NULL,
    login            text        NOT NULL,
    groups           text[]      NOT NULL,
    idp_user_id      text,
    display_name     text,
    manager          text,
    -- grant (request_id says which), standing or out-of-band
    source           text        NOT NULL,
    request_id       text,
    -- enforce or dry-run, and the policy's threshold and grace, as they were
    mode             text        NOT NULL,
    inactive_after   text        NOT NULL,
    grace            text        NOT NULL,
    -- app-sign-in, idp-last-login or none: what the last use below was read from
    signal           text        NOT NULL,
    last_used        timestamptz,
    -- why it is an item, in words (the signal, the threshold)
    finding          text        NOT NULL,
    -- warned (grace running), keep-requested (the owner must confirm), removing, removed, kept,
    -- would-reclaim (dry-run), exempt, no-signal (kept: the policy keeps people with no sign-in data)
    state            text        NOT NULL,
    warned_at        timestamptz,
    grace_ends_at    timestamptz,
    -- when the person was told (chat), so a retried warning tells nobody twice
    notified_at      timestamptz,
    -- a Keep (reason, who, via which channel), or the sign-in that ended the grace
    reason           text,
    decided_by       text,
    decided_via      text,
    decided_at       timestamptz,
    removed_at       timestamptz,
    detail           text,
    error            text,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz,
    -- the state last written to the run's ticket
    reported_state   text,
    UNIQUE (run_id, app, role, login)
);
-- A person has one open item per role at a time, whichever run opened it.
CREATE UNIQUE INDEX reclaim_one_open ON reclaim_items (app, role, login)
    WHERE state IN ('warned', 'keep-requested', 'removing');
CREATE INDEX reclaim_items_open ON reclaim_items (run_id, grace_ends_at)
    WHERE state IN ('warned', 'keep-requested', 'removing');
CREATE INDEX reclaim_items_by_state ON reclaim_items (state, item_id);
CREATE INDEX reclaim_items_unreported ON reclaim_items (run_id, item_id) WHERE reported_state IS DISTINCT FROM state;
