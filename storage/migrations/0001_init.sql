-- The first schema of Boucle. Times are ISO-8601 UTC strings; dates are ISO dates.

CREATE TABLE associations (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    commune     TEXT NOT NULL,
    latitude    REAL,
    longitude   REAL,
    created_at  TEXT NOT NULL
);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('member', 'coordinator')),
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'unreachable', 'removed')),
    language        TEXT NOT NULL DEFAULT 'fr',
    joined_at       TEXT NOT NULL
);

-- One member may be reached on several channels (a Telegram and a WhatsApp identity).
CREATE TABLE identities (
    channel          TEXT NOT NULL,
    external_id      TEXT NOT NULL,
    member_id        INTEGER NOT NULL REFERENCES members(id),
    contact          TEXT NOT NULL DEFAULT '',
    last_inbound_at  TEXT,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (channel, external_id)
);
CREATE INDEX identities_member ON identities(member_id);

CREATE TABLE invites (
    code            TEXT PRIMARY KEY,
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    role            TEXT NOT NULL CHECK (role IN ('member', 'coordinator')),
    created_by      INTEGER REFERENCES members(id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT,
    used_by         INTEGER REFERENCES members(id),
    used_at         TEXT
);

CREATE TABLE posts (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL
                    CHECK (kind IN ('need', 'offer', 'equipment_request', 'equipment_offer')),
    category        TEXT,
    what            TEXT NOT NULL,
    quantity        REAL CHECK (quantity IS NULL OR quantity > 0),
    unit            TEXT,
    deadline        TEXT,
    date_kind       TEXT,
    place           TEXT,
    urgent          INTEGER NOT NULL DEFAULT 0,
    cold_chain      INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'taken', 'done', 'cancelled', 'expired')),
    author_id       INTEGER NOT NULL REFERENCES members(id),
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    original_text   TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX posts_status ON posts(status, kind);

CREATE TABLE claims (
    id              INTEGER PRIMARY KEY,
    post_id         INTEGER NOT NULL REFERENCES posts(id),
    member_id       INTEGER NOT NULL REFERENCES members(id),
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    quantity        REAL CHECK (quantity IS NULL OR quantity > 0),
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'done', 'cancelled')),
    done_quantity   REAL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX claims_post ON claims(post_id, status);

-- Every state change, the base of the indicators (kilos redistributed, response times).
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    actor_id    INTEGER REFERENCES members(id),
    post_id     INTEGER REFERENCES posts(id),
    claim_id    INTEGER REFERENCES claims(id),
    quantity    REAL,
    unit        TEXT,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_post ON events(post_id);

-- Inbound messages already seen: a redelivered update is recognised by (channel, message_id).
CREATE TABLE inbox (
    channel      TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    address      TEXT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'received'
                 CHECK (state IN ('received', 'processed', 'failed')),
    PRIMARY KEY (channel, message_id)
);
CREATE INDEX inbox_state ON inbox(state);

-- Every outgoing notification is stored here before it is sent.
CREATE TABLE outbox (
    id                   INTEGER PRIMARY KEY,
    channel              TEXT NOT NULL,
    external_id          TEXT NOT NULL,
    member_id            INTEGER REFERENCES members(id),
    payload              TEXT NOT NULL,
    priority             INTEGER NOT NULL,
    state                TEXT NOT NULL DEFAULT 'queued'
                         CHECK (state IN ('queued', 'in_flight', 'sent', 'failed', 'held')),
    attempts             INTEGER NOT NULL DEFAULT 0,
    next_attempt_at      TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    sent_at              TEXT,
    platform_message_id  TEXT,
    last_error           TEXT
);
CREATE INDEX outbox_due ON outbox(state, priority, next_attempt_at);

-- A post waiting for one answer (what? which use-by date?) before it is stored.
CREATE TABLE drafts (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    question    TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
