-- Issue 9, /liste for a big network: the open posts in the list's own order, urgent apart,
-- with their kind, so that a page and the counts are read from this index alone (tens of
-- thousands of open posts: a page in milliseconds, no sort). Partial: open posts only.
CREATE INDEX posts_open_list ON posts(urgent, deadline IS NULL, deadline, id, kind)
    WHERE status = 'open';
