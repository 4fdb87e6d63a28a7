-- Issue 13, the indicators (storage/indicators.py): a period of the network (or of one
-- association) is summed from these indexes, never by reading every post, claim or event.

-- Transfers are completed claims, dated by their `completed` event: the period's completions
-- in time order, with their claim (the index alone answers the range, without the table).
CREATE INDEX events_completed ON events(at, claim_id) WHERE kind = 'completed';
-- A claim's completion (when a loan came back): one lookup per claim.
CREATE INDEX events_completed_claim ON events(claim_id, at) WHERE kind = 'completed';

-- Needs and offers posted in the period: the network's, and one association's.
CREATE INDEX posts_created ON posts(created_at);
CREATE INDEX posts_association_created ON posts(association_id, created_at);

-- Loans (claims on equipment posts) started in the period.
CREATE INDEX claims_created ON claims(created_at);
