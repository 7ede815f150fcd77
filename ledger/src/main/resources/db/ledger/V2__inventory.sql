-- The inventory: every member of every catalog group, whoever put them there, and the drift findings.

-- One row per catalog group: what the IdP called it and when accessflow last listed it.
CREATE TABLE inventory_groups (
    group_id         text        PRIMARY KEY,
    app              text        NOT NULL,
    role             text        NOT NULL,
    idp_name         text,
    -- present, or missing (the IdP no longer has the group)
    state            text        NOT NULL,
    first_synced_at  timestamptz,
    last_synced_at   timestamptz,
    last_sync_id     text,
    members          integer     NOT NULL DEFAULT 0
);

-- One row per person per group, kept after they leave it (present = false).
CREATE TABLE memberships (
    group_id      text        NOT NULL,
    login         text        NOT NULL,  -- lower case
    idp_user_id   text,
    display_name  text,
    idp_status    text,
    last_login    timestamptz,
    department    text,
    title         text,
    manager       text,
    -- grant (request_id says which), standing (there before or without any grant), out-of-band
    source        text        NOT NULL,
    request_id    text,
    present       boolean     NOT NULL,
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    gone_at       timestamptz,
    last_sync_id  text,
    PRIMARY KEY (group_id, login)
);
CREATE INDEX memberships_by_person ON memberships (login);

-- A membership of a catalog group with no grant behind it, and what became of it.
CREATE TABLE drift_findings (
    finding_id        bigserial   PRIMARY KEY,
    group_id          text        NOT NULL,
    login             text        NOT NULL,  -- '' for a finding about the group itself
    idp_user_id       text,
    app               text        NOT NULL,
    role              text        NOT NULL,
    -- standing (no grant at the first sync), out-of-band, reappeared (removed by accessflow, back
    -- without a request), group-missing, group-renamed
    kind              text        NOT NULL,
    policy            text        NOT NULL,
    detail            text        NOT NULL,
    detected_at       timestamptz NOT NULL,
    detected_by       text        NOT NULL,
    -- under remove: when it is taken away (the grace ends)
    remove_after      timestamptz,
    -- a person who asked for the removal through the API, and why (the policy otherwise)
    removal_requested_by text,
    removal_reason    text,
    reported_at       timestamptz,
    -- the ticket the report went to (one per group and kind a sweep reported), if tickets are configured
    ticket_key        text,
    -- open, adopted, removed, granted (a request now covers it), gone (left the group another way)
    state             text        NOT NULL,
    resolved_at       timestamptz,
    resolved_by       text,
    resolution        text,
    removal_error     text
);
CREATE UNIQUE INDEX drift_one_open ON drift_findings (group_id, login) WHERE state = 'open';
CREATE INDEX drift_unreported ON drift_findings (finding_id) WHERE reported_at IS NULL;
CREATE INDEX drift_removals ON drift_findings (remove_after) WHERE state = 'open' AND remove_after IS NOT NULL;

-- Event ids of the IdP's membership events already applied (deliveries are at least once).
CREATE TABLE inventory_events (
    event_id     text        PRIMARY KEY,
    applied_at   timestamptz NOT NULL
);

CREATE TABLE inventory_syncs (
    sync_id      text        PRIMARY KEY,
    trigger      text        NOT NULL,
    groups       integer     NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    pages        integer     NOT NULL DEFAULT 0,
    members      integer     NOT NULL DEFAULT 0,
    findings     integer     NOT NULL DEFAULT 0
);
