-- Issue 12: the audience of a post is computed in SQLite, in one statement
-- (storage.profiles.audience). It reads the associations around the post's place from this
-- index; the index now holds every column the rule reads (reach, cold keeping, interests, the
-- name that orders equal distances), so a post to a whole region reads 5,000 index entries
-- and no table row. Same name and leading columns: every search by place still uses it.
DROP INDEX associations_place;
CREATE INDEX associations_place
    ON associations(latitude, longitude, reach_km, cold_storage, cold_vehicle, takes, gives, name);
