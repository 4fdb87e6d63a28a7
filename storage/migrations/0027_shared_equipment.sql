-- Issue 14, the shared equipment calendar (handlers/resources.py, handlers/bookings.py; every
-- statement in storage/resources.py).

-- What an association lends: a kind (a resource category slug of the understanding contract:
-- vehicule_frigo, stockage_froid, benevoles…), a name, where it is (a commune, or free text
-- placed at the association), its conditions (driver's licence, cleaning…), and whether a
-- booking by another association waits for the owner's approval. 'withdrawn': no longer lent
-- (its past bookings stay).
CREATE TABLE resources (
    id              INTEGER PRIMARY KEY,
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    latitude        REAL,
    longitude       REAL,
    conditions      TEXT NOT NULL DEFAULT '',
    needs_approval  INTEGER NOT NULL DEFAULT 1,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    created_by      INTEGER REFERENCES members(id),
    created_at      TEXT NOT NULL
);
-- `/ressources`: the box around the reader (a range on latitude), then the exact distance.
CREATE INDEX resources_place ON resources(latitude, longitude, kind, id) WHERE status = 'active';
-- An association's own resources (`/agenda`, `/ressources` without a place).
CREATE INDEX resources_association ON resources(association_id) WHERE status = 'active';

-- A booking of a resource over [start_at, end_at) (UTC instants; touching ranges do not
-- overlap). `owner_association_id` is the resource's association, kept here so that the
-- owner's lookups (its agenda, its late returns in the digest) read one index. `days`: the
-- loan's length in days (decimal, real elapsed time: a DST night is an hour shorter).
--   requested  waits for the owner's approval (blocks the range meanwhile)
--   confirmed  booked (blocks the range)
--   declined   refused by the owner, or left unanswered until its start
--   cancelled  withdrawn by either side
--   returned   given back (`/rendu`), with `incident` when something went wrong
CREATE TABLE bookings (
    id                       INTEGER PRIMARY KEY,
    resource_id              INTEGER NOT NULL REFERENCES resources(id),
    owner_association_id     INTEGER NOT NULL REFERENCES associations(id),
    borrower_association_id  INTEGER NOT NULL REFERENCES associations(id),
    member_id                INTEGER NOT NULL REFERENCES members(id),
    start_at                 TEXT NOT NULL,
    end_at                   TEXT NOT NULL,
    whole_days               INTEGER NOT NULL DEFAULT 0,
    days                     REAL NOT NULL,
    status                   TEXT NOT NULL CHECK (status IN
                                 ('requested', 'confirmed', 'declined', 'cancelled', 'returned')),
    decided_by               INTEGER REFERENCES members(id),
    returned_at              TEXT,
    returned_by              INTEGER REFERENCES members(id),
    incident                 TEXT NOT NULL DEFAULT '',
    created_at               TEXT NOT NULL,
    updated_at               TEXT NOT NULL,
    CHECK (end_at > start_at)
);
-- Overlaps, the next free slots and a resource's agenda: the live bookings of one resource
-- that end after a moment (a range on end_at: past bookings are never read).
CREATE INDEX bookings_live ON bookings(resource_id, end_at, start_at)
    WHERE status IN ('requested', 'confirmed');
-- An association's agenda, as owner and as borrower; the owner's late returns (digest).
CREATE INDEX bookings_owner_live ON bookings(owner_association_id, end_at)
    WHERE status IN ('requested', 'confirmed');
CREATE INDEX bookings_borrower_live ON bookings(borrower_association_id, end_at)
    WHERE status IN ('requested', 'confirmed');
-- The indicators: loans by start, over the network or of one owner (storage/resources.py,
-- loans_between), counted from the index alone (`status` last so that SQLite sees it covers).
CREATE INDEX bookings_loans
    ON bookings(start_at, days, owner_association_id, borrower_association_id, status)
    WHERE status IN ('confirmed', 'returned');
CREATE INDEX bookings_owner_loans
    ON bookings(owner_association_id, start_at, days, borrower_association_id, status)
    WHERE status IN ('confirmed', 'returned');

-- What the scheduler will do for a booking, and when (UTC): 'eve' (the day before, both
-- sides), 'return' (its end, the borrower), 'late' (not returned some time after its end, the
-- owner), 'unanswered' (a request still waiting at its start is declined). Written when the
-- booking is requested or confirmed, deleted when it is done or the booking changes: the
-- minute tick reads only the rows due, from booking_alerts_due (never every booking).
CREATE TABLE booking_alerts (
    booking_id  INTEGER NOT NULL REFERENCES bookings(id),
    kind        TEXT NOT NULL CHECK (kind IN ('eve', 'return', 'late', 'unanswered')),
    due_at      TEXT NOT NULL,
    PRIMARY KEY (booking_id, kind)
) WITHOUT ROWID;
CREATE INDEX booking_alerts_due ON booking_alerts(due_at);
