-- The chat message that warned the person, edited in place as the item's state changes:
-- message_state is the state it shows, so each change is shown once.
ALTER TABLE reclaim_items
    ADD COLUMN message_channel text,
    ADD COLUMN message_ts      text,
    ADD COLUMN message_state   text;

CREATE INDEX reclaim_items_stale_messages ON reclaim_items (run_id, item_id)
    WHERE message_ts IS NOT NULL AND message_state IS DISTINCT FROM state;
