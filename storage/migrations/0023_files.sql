-- Files sent with messages (issues 13 and 15: a chart with /bilan, exports): stored once per
-- content (`sha256`), however many messages carry them; an outbox payload keeps only the id
-- (`"attachment": {"file_id": N, ...}`, handlers/messages.py). Rows queued before keep their
-- bytes inline (base64), still readable. A file no outbox row and no shared payload references
-- any more is purged with them (storage/retention.py).
CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    sha256      TEXT NOT NULL UNIQUE,
    filename    TEXT NOT NULL,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    data        BLOB NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX files_created ON files(created_at);

-- Who still uses a file: a row whose own payload carries it, or a shared payload (a relay's
-- text, migration 0019) whose rows reference it. Partial indexes: most rows carry no file;
-- they serve the orphan purge and the foreign keys' checks on delete.
ALTER TABLE outbox ADD COLUMN file_id INTEGER REFERENCES files(id);
CREATE INDEX outbox_file ON outbox(file_id) WHERE file_id IS NOT NULL;
ALTER TABLE payloads ADD COLUMN file_id INTEGER REFERENCES files(id);
CREATE INDEX payloads_file ON payloads(file_id) WHERE file_id IS NOT NULL;

-- The key that signs the links to files the bot serves itself (`/fichiers/<token>`, which
-- Twilio fetches to send media on WhatsApp): random, made once here, never leaves the database.
CREATE TABLE file_link_key (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    secret  BLOB NOT NULL
);
INSERT INTO file_link_key (id, secret) VALUES (1, randomblob(32));
