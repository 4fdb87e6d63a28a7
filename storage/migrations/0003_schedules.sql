-- Durable delivery and the scheduled side of the bot (issue 5).

-- Every send attempt of an outbox row and how it ended: sent, retry (5xx, timeout),
-- rate_limited (429), unreachable (403), rejected (400), held (WhatsApp window),
-- interrupted (in flight when the process stopped: it may have gone out, and goes again).
CREATE TABLE delivery_attempts (
    id          INTEGER PRIMARY KEY,
    outbox_id   INTEGER NOT NULL REFERENCES outbox(id),
    attempt     INTEGER NOT NULL,
    at          TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delivery_attempts_outbox ON delivery_attempts(outbox_id);
-- The sender looks up the next due rows of one channel.
CREATE INDEX outbox_channel_due ON outbox(channel, state, priority, next_attempt_at);

-- What the scheduler already did, one row per deed ("digest:7:2026-12-01",
-- "reminder:offer_expiring:post:12"): inserted in the same transaction as its messages,
-- with INSERT OR IGNORE, so a deed happens once even across restarts.
CREATE TABLE schedules (
    key      TEXT PRIMARY KEY,
    done_at  TEXT NOT NULL
);

-- Who wants the daily digest and at what local time ("08:00"); NULL = unsubscribed.
-- No row: coordinators get it at the default time, other members do not.
CREATE TABLE digest_subscriptions (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    local_time  TEXT,
    updated_at  TEXT NOT NULL
);
