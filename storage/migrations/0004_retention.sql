-- Retention (issue 8): the daily purge finds expired rows through these indexes instead of
-- scanning whole tables. `delivery_attempts(outbox_id)` exists since 0003.

-- Sent and failed outbox rows, oldest first.
CREATE INDEX outbox_state_created ON outbox(state, created_at);

-- Inbox rows, oldest first (`inbox_address` starts with the address, so it cannot serve).
CREATE INDEX inbox_received ON inbox(received_at);
