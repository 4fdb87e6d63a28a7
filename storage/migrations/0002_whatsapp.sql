-- WhatsApp through Twilio, linked identities, photos with posts (issue 4).

-- What the platform last told us about a sent message (Twilio status callbacks: queued, sent,
-- delivered, read, failed, undelivered); `state` stays the sender's own bookkeeping.
ALTER TABLE outbox ADD COLUMN delivery_status TEXT;
CREATE INDEX outbox_platform_message ON outbox(platform_message_id);

-- The 24-hour window is counted from a person's last inbound message, strangers included.
CREATE INDEX inbox_address ON inbox(address, received_at);

-- Photos sent with a post (Twilio media URLs), as a JSON list.
ALTER TABLE posts ADD COLUMN media_urls TEXT NOT NULL DEFAULT '[]';

-- `/lier`: a short code, given on one channel, attaches the identity that sends it back from
-- another channel to the same member.
CREATE TABLE link_codes (
    code        TEXT PRIMARY KEY,
    member_id   INTEGER NOT NULL REFERENCES members(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
