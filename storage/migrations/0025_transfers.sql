-- Issue 13, exports of the transfers (storage/transfers.py).
-- The whole network's: the completed claims by time. An export of a period reads its
-- `completed` events from this index in pages that start where the previous one stopped,
-- not every event of the period through events_at. Partial: `completed` events only.
CREATE INDEX events_completed ON events(at) WHERE kind = 'completed';
-- One association's (a coordinator's /export): its done claims, and its posts (whose done
-- claims claims_post finds), instead of every transfer of the period read to keep its own.
CREATE INDEX claims_done_association ON claims(association_id) WHERE status = 'done';
CREATE INDEX posts_association ON posts(association_id);
