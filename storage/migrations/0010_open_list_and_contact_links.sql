-- Issue 9, /liste for a big network: the open posts in the list's own order, urgent apart,
-- with their kind, so that a page and the counts are read from this index alone (tens of
-- thousands of open posts: a page in milliseconds, no sort). Partial: open posts only.
CREATE INDEX posts_open_list ON posts(urgent, deadline IS NULL, deadline, id, kind)
    WHERE status = 'open';

-- Issue 9, reachability: with each identity's contact (the text shown), a link that opens a
-- chat with the person in one tap (a Telegram mention link works without an @username), and
-- whether that contact is private (a phone number: shown only to the association that takes
-- the person's post or whose post they took, never network-wide). Both come from the channel
-- adapter with every message; the two updates below fill in identities recorded before, for
-- members who do not write again.
ALTER TABLE identities ADD COLUMN contact_link TEXT NOT NULL DEFAULT '';
ALTER TABLE identities ADD COLUMN contact_private INTEGER NOT NULL DEFAULT 0;
UPDATE identities SET contact_private = 1 WHERE channel = 'whatsapp';
UPDATE identities SET contact_link = 'tg://user?id=' || external_id
    WHERE channel = 'telegram' AND external_id NOT LIKE '-%';
