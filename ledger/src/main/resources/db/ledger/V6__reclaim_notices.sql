-- Whom else a reclaim tells, as the policy's notify: says.

-- The person's manager, told of each warning (and able to keep the access with a reason):
-- manager_notice says what became of it (told, or why not), so a retried warning tells nobody twice;
-- the message is edited in place like the person's (manager_state is the state it shows).
ALTER TABLE reclaim_items
    ADD COLUMN manager_notice  text,
    ADD COLUMN manager_told_at timestamptz,
    ADD COLUMN manager_channel text,
    ADD COLUMN manager_ts      text,
    ADD COLUMN manager_state   text;

CREATE INDEX reclaim_items_untold_managers ON reclaim_items (run_id, item_id)
    WHERE state = 'warned' AND notified_at IS NOT NULL AND manager_notice IS NULL;
CREATE INDEX reclaim_items_stale_manager_messages ON reclaim_items (run_id, item_id)
    WHERE manager_ts IS NOT NULL AND manager_state IS DISTINCT FROM state;

-- The app's owners, told once per run in one summary (never one message per finding), edited in
-- place as the run goes: shown is the summary the message shows, so each change is shown once.
CREATE TABLE reclaim_owner_notices (
    run_id   text        NOT NULL REFERENCES reclaim_runs (run_id),
    owner    text        NOT NULL,  -- lower case
    channel  text,
    ts       text,                  -- null: the owner has no chat account (told on the ticket only)
    shown    text        NOT NULL,
    told_at  timestamptz NOT NULL,
    PRIMARY KEY (run_id, owner)
);
