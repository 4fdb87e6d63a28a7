-- How many sends of a row ended without an answer we could read (a timeout after the request
-- was written, a dropped connection): each may have reached the person, so they are bounded
-- apart from the ordinary retries (DeliveryPolicy.max_ambiguous_attempts).
ALTER TABLE outbox ADD COLUMN ambiguous_attempts INTEGER NOT NULL DEFAULT 0;
