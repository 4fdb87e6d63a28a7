-- Privacy (issue 15): a member erased at their request (`/oublier`) keeps their row, so that
-- their posts, claims and the network's figures hold, but nothing that identifies them.
ALTER TABLE members ADD COLUMN forgotten_at TEXT;

-- What a member wrote and what they claimed, found without reading every post and claim
-- (`/mesdonnees`, `/oublier`; a year of a large network is 100,000 posts).
CREATE INDEX posts_author ON posts(author_id);
CREATE INDEX claims_member ON claims(member_id);
