-- Issue 11, `/liste dons 20km`: the open posts inside a latitude/longitude box, read from this
-- index alone (a range on latitude, longitude checked in the index, kind and urgent at hand,
-- deadline and id for the list's order; `status` last so that SQLite sees the index covers
-- the query), then the exact distance on that bounded set. Without it the planner goes through
-- every open post of the kinds (posts_status, then the table). Posts whose place is unknown
-- (latitude NULL) are counted from its first column too.
CREATE INDEX posts_open_place ON posts(latitude, longitude, kind, urgent, deadline, id, status)
    WHERE status = 'open';
