-- How many posts are open, by kind and urgency, kept by the posts' own writes (issue 12).
-- `/liste` titles its page with the total and counts the pages: a COUNT over the open posts'
-- index read every open post (5,000 at the scale of the largest network, ~2 ms with each
-- /liste). Triggers keep the counts in the transaction that changes a post, so they cannot
-- drift from the table; a row per (kind, urgent), at most eight.
CREATE TABLE open_post_counts (
    kind    TEXT NOT NULL,
    urgent  INTEGER NOT NULL,
    count   INTEGER NOT NULL,
    PRIMARY KEY (kind, urgent)
) WITHOUT ROWID;

INSERT INTO open_post_counts (kind, urgent, count)
    SELECT kind, urgent != 0, COUNT(*) FROM posts WHERE status = 'open' GROUP BY kind, urgent != 0;

CREATE TRIGGER open_post_counts_inserted AFTER INSERT ON posts WHEN NEW.status = 'open'
BEGIN
    INSERT INTO open_post_counts (kind, urgent, count) VALUES (NEW.kind, NEW.urgent != 0, 1)
        ON CONFLICT (kind, urgent) DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER open_post_counts_deleted AFTER DELETE ON posts WHEN OLD.status = 'open'
BEGIN
    UPDATE open_post_counts SET count = count - 1
        WHERE kind = OLD.kind AND urgent = (OLD.urgent != 0);
END;

CREATE TRIGGER open_post_counts_changed AFTER UPDATE OF status, kind, urgent ON posts
    WHEN (OLD.status = 'open') != (NEW.status = 'open') OR OLD.kind != NEW.kind
        OR (OLD.urgent != 0) != (NEW.urgent != 0)
BEGIN
    UPDATE open_post_counts SET count = count - 1
        WHERE OLD.status = 'open' AND kind = OLD.kind AND urgent = (OLD.urgent != 0);
    INSERT INTO open_post_counts (kind, urgent, count)
        SELECT NEW.kind, NEW.urgent != 0, 1 WHERE NEW.status = 'open'
        ON CONFLICT (kind, urgent) DO UPDATE SET count = count + 1;
END;
