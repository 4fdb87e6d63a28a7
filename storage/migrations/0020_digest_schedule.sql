-- Issue 12, the scheduler at scale: the minute tick reads only what is due, from indexes.

-- When each member's next digest is due, as a UTC instant (their digest time, local, on the
-- day it is due: handlers/digests.py computes it, DST included), so that the tick reads
-- `WHERE next_due_at <= now` instead of looking every subscriber up.
--   next_due_at  '' = to be computed (it sorts before every instant, so the next tick finds
--                it); NULL = no digest (not subscribed, not active); else the instant.
--   last_sent_at the moment the last digest was claimed: the next one covers what happened
--                since (it replaces MAX(done_at) over the member's `schedules` keys).
-- The triggers below (their inserts test for the row rather than say OR IGNORE, which the
-- outer statement's conflict clause, an upsert's, would override) mark a row to be computed whenever what decides it changes (a member
-- joins, changes role or status, chooses a time or stops); a change of the time zone rules
-- (or of the network's zone) marks every row (digest_zone).
CREATE TABLE digest_schedule (
    member_id     INTEGER PRIMARY KEY REFERENCES members(id),
    next_due_at   TEXT,
    last_sent_at  TEXT
);
CREATE INDEX digest_schedule_due ON digest_schedule(next_due_at);

-- The zone whose rules computed every next_due_at: its name and a fingerprint of its UTC
-- offsets (handlers/digests.py, zone_fingerprint). One row.
CREATE TABLE digest_zone (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint  TEXT NOT NULL
);

INSERT INTO digest_schedule (member_id, next_due_at, last_sent_at)
    SELECT m.id, '',
           (SELECT MAX(s.done_at) FROM schedules s
            WHERE s.key >= 'digest:' || m.id || ':' AND s.key < 'digest:' || m.id || ';')
    FROM members m;

CREATE TRIGGER digest_schedule_member_joined AFTER INSERT ON members
BEGIN
    INSERT INTO digest_schedule (member_id, next_due_at) SELECT NEW.id, ''
        WHERE NOT EXISTS (SELECT 1 FROM digest_schedule WHERE member_id = NEW.id);
END;

CREATE TRIGGER digest_schedule_member_changed AFTER UPDATE OF role, status ON members
BEGIN
    INSERT INTO digest_schedule (member_id, next_due_at) SELECT NEW.id, ''
        WHERE NOT EXISTS (SELECT 1 FROM digest_schedule WHERE member_id = NEW.id);
    UPDATE digest_schedule SET next_due_at = '' WHERE member_id = NEW.id;
END;

CREATE TRIGGER digest_schedule_time_chosen AFTER INSERT ON digest_subscriptions
BEGIN
    INSERT INTO digest_schedule (member_id, next_due_at) SELECT NEW.member_id, ''
        WHERE NOT EXISTS (SELECT 1 FROM digest_schedule WHERE member_id = NEW.member_id);
    UPDATE digest_schedule SET next_due_at = '' WHERE member_id = NEW.member_id;
END;

CREATE TRIGGER digest_schedule_time_changed AFTER UPDATE ON digest_subscriptions
BEGIN
    INSERT INTO digest_schedule (member_id, next_due_at) SELECT NEW.member_id, ''
        WHERE NOT EXISTS (SELECT 1 FROM digest_schedule WHERE member_id = NEW.member_id);
    UPDATE digest_schedule SET next_due_at = '' WHERE member_id = NEW.member_id;
END;

CREATE TRIGGER digest_schedule_time_dropped AFTER DELETE ON digest_subscriptions
BEGIN
    UPDATE digest_schedule SET next_due_at = '' WHERE member_id = OLD.member_id;
END;

-- Digests: the activity since the last one, by time (the events' log is read from its end,
-- never whole); an association's active claims; an association's open posts.
CREATE INDEX events_at ON events(at);
CREATE INDEX claims_association_active ON claims(association_id, id) WHERE status = 'active';
CREATE INDEX posts_open_association ON posts(association_id) WHERE status = 'open';
-- The open posts a digest lists, in the list's order with what places them in its sections,
-- read from this index alone (posts_open_list lacks the association).
CREATE INDEX posts_open_heads ON posts(urgent, deadline IS NULL, deadline, id, kind, association_id)
    WHERE status = 'open';

-- Reminders and expiry: live posts by deadline (the day's, or the days past), not every
-- open post.
CREATE INDEX posts_live_deadline ON posts(status, deadline);
