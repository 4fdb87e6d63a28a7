-- Issue 14, group purchases: a coordinator opens a purchase (a product in packs at a unit
-- price, from a supplier, a minimum to reach, a deadline); coordinators of other associations
-- commit a quantity of packs for their association until the deadline; at the deadline the
-- purchase is reached (every participant gets their share) or cancelled.
--
-- Money is kept in cents (integers: 18,50 € is 1850), quantities in whole packs. Times are
-- UTC instants (ISO text, as everywhere): the deadline the organiser typed in the network's
-- time zone, and the reminder's instant, computed once (handlers/purchase_words.py: the same
-- local time the day before, DST included), so that the scheduler's tick reads what is due
-- from the two partial indexes below and never looks at a purchase that is not.
--
--   minimum_kind  'packs': `minimum` is a number of packs; 'euros': `minimum` is in cents.
--   reminded_at   when the 24-hours-before reminder went (or was skipped: the purchase was
--                 opened or extended less than 24 h before its deadline); NULL: still to do.
--   extended      1 once the deadline was pushed back (only once).
--   progress_level the last threshold of the minimum announced to the participants (0, 50,
--                 100 %): each change of a quantity compares with it, so a threshold crossed
--                 is told once, not at every change.
--   status        'open' until settled; 'reached' or 'cancelled' (minimum not reached, at the
--                 deadline or closed early) after.
CREATE TABLE purchases (
    id                INTEGER PRIMARY KEY,
    association_id    INTEGER NOT NULL REFERENCES associations(id),
    organiser_id      INTEGER NOT NULL REFERENCES members(id),
    product           TEXT NOT NULL,
    pack              TEXT NOT NULL,
    category          TEXT,
    unit_price_cents  INTEGER NOT NULL CHECK (unit_price_cents > 0),
    supplier          TEXT NOT NULL,
    minimum_kind      TEXT NOT NULL CHECK (minimum_kind IN ('packs', 'euros')),
    minimum           INTEGER NOT NULL CHECK (minimum > 0),
    pickup            TEXT NOT NULL DEFAULT '',
    closes_at         TEXT NOT NULL,
    remind_at         TEXT NOT NULL,
    reminded_at       TEXT,
    extended          INTEGER NOT NULL DEFAULT 0,
    progress_level    INTEGER NOT NULL DEFAULT 0,
    status            TEXT NOT NULL DEFAULT 'open'
                      CHECK (status IN ('open', 'reached', 'cancelled')),
    closed_at         TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
-- The scheduler's two questions, each a range read of a partial index holding only what is
-- still to do: purchases whose deadline has come, and reminders whose time has come.
CREATE INDEX purchases_open_closing ON purchases(closes_at) WHERE status = 'open';
CREATE INDEX purchases_open_reminding ON purchases(remind_at)
    WHERE status = 'open' AND reminded_at IS NULL;

-- The associations a purchase was announced to (its audience at opening, as for a post): the
-- reminder goes to their coordinators who have not answered; `/achats` lists it to them.
-- Kept while the purchase is open only (deleted when it is settled).
CREATE TABLE purchase_audience (
    purchase_id     INTEGER NOT NULL REFERENCES purchases(id),
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    PRIMARY KEY (purchase_id, association_id)
) WITHOUT ROWID;
CREATE INDEX purchase_audience_association ON purchase_audience(association_id, purchase_id);

-- One commitment per association and purchase (its quantity changed in place; 0: withdrawn,
-- the row kept so the reminder knows the association answered). `member_id`: the coordinator
-- who set it last, the one told at the deadline.
CREATE TABLE purchase_orders (
    purchase_id     INTEGER NOT NULL REFERENCES purchases(id),
    association_id  INTEGER NOT NULL REFERENCES associations(id),
    member_id       INTEGER NOT NULL REFERENCES members(id),
    quantity        INTEGER NOT NULL CHECK (quantity >= 0),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (purchase_id, association_id)
) WITHOUT ROWID;
CREATE INDEX purchase_orders_association ON purchase_orders(association_id, purchase_id);
