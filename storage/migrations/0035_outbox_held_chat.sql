-- The messages held for one chat (WhatsApp's 24-hour window closed, a channel not running),
-- released when its member writes: `release_held` runs with every message a member sends
-- (issue 12). Read from the index of held rows by state alone, it walked every held row of the
-- network (thousands at full scale: each WhatsApp member outside the window keeps their news).
CREATE INDEX outbox_held_chat ON outbox(channel, external_id) WHERE state = 'held';
