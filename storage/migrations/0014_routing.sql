-- Issue 11: each post reaches the associations it concerns.

-- An association's profile, set by its coordinators (`/profil`, a location pin, the CLI).
-- Defaults make a new association work with nothing set: it travels 30 km, takes and gives
-- every category (NULL), and declares no capacity (so cold goods go to everyone near, since
-- nobody near can keep them cold). Categories are comma-separated slugs of the understanding
-- contract.
ALTER TABLE associations ADD COLUMN reach_km REAL NOT NULL DEFAULT 30;
ALTER TABLE associations ADD COLUMN takes TEXT;
ALTER TABLE associations ADD COLUMN gives TEXT;
ALTER TABLE associations ADD COLUMN cold_storage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE associations ADD COLUMN cold_vehicle INTEGER NOT NULL DEFAULT 0;
ALTER TABLE associations ADD COLUMN dry_storage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE associations ADD COLUMN volunteers INTEGER NOT NULL DEFAULT 0;
-- The audience of a post is read from a latitude band (then the exact distance in Python):
-- 5,000 associations, a band of a few hundred. Not partial: the associations whose place is
-- unknown (latitude IS NULL) are read from it too.
CREATE INDEX associations_place ON associations(latitude, longitude);
-- The widest reach bounds every search: read from the end of this index, not a scan.
CREATE INDEX associations_reach ON associations(reach_km);

-- Where a post is (its place resolved by the gazetteer, else its association's): distances
-- in /liste, audiences, matches and escalation rings are measured from here. NULL: unknown,
-- the post then reaches everyone (as before this migration).
ALTER TABLE posts ADD COLUMN latitude REAL;
ALTER TABLE posts ADD COLUMN longitude REAL;
UPDATE posts SET latitude = (SELECT a.latitude FROM associations a WHERE a.id = posts.association_id),
                 longitude = (SELECT a.longitude FROM associations a WHERE a.id = posts.association_id);
-- Matching: the open posts of one kind and category in a latitude band.
CREATE INDEX posts_open_match ON posts(kind, category, latitude)
    WHERE status = 'open';

-- Each member's preferences (`/notifs`). No row: everything, quiet 21:00–07:30.
-- mode: 'all' | 'urgent' (only urgent posts) | 'digest' (no relays, the digest only) | 'off'.
-- muted: comma-separated categories they do not want relayed. Quiet hours are local times
-- (the network's time zone); quiet_start = quiet_end means no quiet hours.
CREATE TABLE member_preferences (
    member_id    INTEGER PRIMARY KEY REFERENCES members(id),
    mode         TEXT NOT NULL DEFAULT 'all' CHECK (mode IN ('all', 'urgent', 'digest', 'off')),
    muted        TEXT NOT NULL DEFAULT '',
    quiet_start  TEXT NOT NULL DEFAULT '21:00',
    quiet_end    TEXT NOT NULL DEFAULT '07:30'
);

-- Escalation and re-sending steps, each done once (the primary key), across restarts.
-- step: 'ring2' | 'coordinators' | 'dlc_midday'.
CREATE TABLE post_escalations (
    post_id   INTEGER NOT NULL REFERENCES posts(id),
    step      TEXT NOT NULL,
    at        TEXT NOT NULL,
    notified  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, step)
) WITHOUT ROWID;
