-- The outbox at the scale of a real network (issue 12).

-- A relay's text stored once per (notification, language) and referenced by each recipient's
-- row: a post to 10,000 members stored 10,000 copies of the same ~0.7 KB. Rows written before
-- keep their own `payload`; a row with a `payload_id` has `payload = ''` (the column stays NOT
-- NULL). Purged with the last row that references it (storage/retention.py).
CREATE TABLE payloads (
    id          INTEGER PRIMARY KEY,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX payloads_created ON payloads(created_at);
ALTER TABLE outbox ADD COLUMN payload_id INTEGER REFERENCES payloads(id);
-- Which rows still use a payload (the orphan purge, and the foreign key's check on delete).
CREATE INDEX outbox_payload ON outbox(payload_id) WHERE payload_id IS NOT NULL;

-- The post a relay is about: a relay still queued when its post is no longer open (taken, done,
-- cancelled, expired overnight while the member's quiet hours held it) is not sent
-- (state 'failed', last_error 'post closed'). No foreign key: posts are never deleted, and the
-- check would cost a lookup per row queued.
ALTER TABLE outbox ADD COLUMN post_id INTEGER;

-- The sender's pick walks exactly this index in its ORDER BY (priority, next_attempt_at, id;
-- the rowid ends every index) and stops after one batch: no ranking of the whole queue. Partial:
-- only the queued rows are in it, so sent rows never slow it down. It replaces the two
-- (state, priority, next_attempt_at) indexes, whose other users find their rows through
-- outbox_state_created (state, created_at).
DROP INDEX outbox_due;
DROP INDEX outbox_channel_due;
CREATE INDEX outbox_pick ON outbox(channel, priority, next_attempt_at) WHERE state = 'queued';

-- A status callback finds its row by the platform's id, which only a sent row has: queued rows
-- (10,000 for one relay) stay out of this index.
DROP INDEX outbox_platform_message;
CREATE INDEX outbox_platform_message ON outbox(platform_message_id)
    WHERE platform_message_id IS NOT NULL;
