-- How a coordinator hears that someone joined their association (issue 9): 'direct' (one short
-- line at once) or 'digest' (counted in their next daily digest). No row: 'direct'.
-- Nobody else is told of an arrival, so a join costs a few messages, not one per member.
CREATE TABLE arrival_notices (
    member_id   INTEGER PRIMARY KEY REFERENCES members(id),
    mode        TEXT NOT NULL CHECK (mode IN ('direct', 'digest')),
    updated_at  TEXT NOT NULL
);
-- The digest counts an association's arrivals since the last one.
CREATE INDEX members_association_joined ON members(association_id, joined_at);
