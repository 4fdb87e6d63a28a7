-- Issue 15, an administrator's view (`boucle stats`, /metrics): messages sent and delivery
-- attempts over the last hour or day are read from these indexes, not from a scan of the
-- outbox's history (millions of rows on a large network within the retention).
CREATE INDEX outbox_sent_at ON outbox(sent_at, channel) WHERE sent_at IS NOT NULL;
CREATE INDEX delivery_attempts_at ON delivery_attempts(at, outcome);
