-- Issue 13, the indicators (storage/indicators.py): a period of the network (or of one
-- association) is summed from indexes, never by reading every post, claim or event.
-- The period's completions come from `events_completed` (events(at) WHERE kind = 'completed',
-- migration 0025, shared with the exports).

-- A claim's completion (when a loan came back): one lookup per claim.
CREATE INDEX events_completed_claim ON events(claim_id, at) WHERE kind = 'completed';

-- Needs and offers posted in the period: the network's, and one association's.
CREATE INDEX posts_created ON posts(created_at);
CREATE INDEX posts_association_created ON posts(association_id, created_at);

-- Loans (claims on equipment posts) started in the period.
CREATE INDEX claims_created ON claims(created_at);
