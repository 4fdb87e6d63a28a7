-- Issue 9, limits that fit the field.

-- Invites expire and can be revoked. `expires_at` existed (always NULL so far): codes printed
-- before this migration and not used yet get 14 days from now, rather than dying at once.
ALTER TABLE invites ADD COLUMN revoked_at TEXT;
ALTER TABLE invites ADD COLUMN revoked_by INTEGER REFERENCES members(id);
UPDATE invites SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', '+14 days') || '.000000+00:00'
    WHERE expires_at IS NULL AND used_by IS NULL;
-- `/invitations` and `boucle invites --association`: one association's codes, newest first.
CREATE INDEX invites_association ON invites(association_id, created_at);

-- Urgent posts: when the post became urgent (published so, corrected to it, or confirmed by a
-- coordinator), which the daily quota counts per author; and a post published beyond that
-- quota, waiting for a coordinator to confirm its urgency (relayed as an ordinary post
-- meanwhile).
ALTER TABLE posts ADD COLUMN urgent_since TEXT;
ALTER TABLE posts ADD COLUMN urgent_pending INTEGER NOT NULL DEFAULT 0;
UPDATE posts SET urgent_since = created_at WHERE urgent = 1;
CREATE INDEX posts_author_urgent ON posts(author_id, urgent_since) WHERE urgent_since IS NOT NULL;

-- Failed invite and link codes (`/start`, `/lier`), per sender ("channel:id") and in all: the
-- throttle reads the last minutes of it. Only attempts that were checked are stored (a
-- throttled one is not), so the table holds at most the network-wide limit per minute; rows
-- older than a day are deleted as new ones come.
CREATE TABLE code_attempts (
    address  TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX code_attempts_address ON code_attempts(address, at);
CREATE INDEX code_attempts_at ON code_attempts(at);

-- Each sender's message count in its current window (a fixed window from its first message):
-- beyond the limit, messages are stored 'throttled' and not processed; `notified` says the one
-- « trop de messages » of this window was queued. One row per sender, updated in the same
-- transaction as the inbox row, so that a restart neither forgets nor double-counts.
CREATE TABLE sender_windows (
    address     TEXT PRIMARY KEY,
    started_at  TEXT NOT NULL,
    count       INTEGER NOT NULL,
    notified    INTEGER NOT NULL DEFAULT 0
);

-- The inbox gets a state 'throttled' (stored, never processed, never replayed). SQLite cannot
-- change a CHECK constraint: the table is rebuilt, with its three indexes (0001, 0002, 0004).
CREATE TABLE inbox_new (
    channel      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    address      TEXT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'received'
                 CHECK (state IN ('received', 'processed', 'failed', 'throttled')),
    PRIMARY KEY (channel, message_id)
);
INSERT INTO inbox_new (channel, message_id, address, payload, received_at, state)
    SELECT channel, message_id, address, payload, received_at, state FROM inbox;
DROP TABLE inbox;
ALTER TABLE inbox_new RENAME TO inbox;
CREATE INDEX inbox_state ON inbox(state);
CREATE INDEX inbox_address ON inbox(address, received_at);
CREATE INDEX inbox_received ON inbox(received_at);
