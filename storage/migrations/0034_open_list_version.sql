-- A number that changes with every write a /liste page shows (issue 12): a post (any column),
-- a claim (the claimed figures), an association's name. `/liste` keeps the pages it read with
-- the number they were read at (storage/posts.py, `open_posts_slice`) and reads a page again
-- only when the number moved: most /liste of a day show what the previous one showed, and a
-- page of 20 posts with their claimed figures cost ~1 ms of SQL. Kept by triggers in the
-- transaction of the write, whatever process writes (the CLI's admin commands too). A random
-- number, not a count: a write rolled back after a page was read at its number must not give
-- that number to the next write (a count would, and the page read in the rolled-back
-- transaction would be shown for it).
CREATE TABLE open_list_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
);
INSERT INTO open_list_version (id, version) VALUES (1, 0);

CREATE TRIGGER open_list_version_post_inserted AFTER INSERT ON posts
BEGIN
    UPDATE open_list_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER open_list_version_post_updated AFTER UPDATE ON posts
BEGIN
    UPDATE open_list_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER open_list_version_post_deleted AFTER DELETE ON posts
BEGIN
    UPDATE open_list_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER open_list_version_claim_inserted AFTER INSERT ON claims
BEGIN
    UPDATE open_list_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER open_list_version_claim_updated AFTER UPDATE ON claims
BEGIN
    UPDATE open_list_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER open_list_version_claim_deleted AFTER DELETE ON claims
BEGIN
    UPDATE open_list_version SET version = random() WHERE id = 1;
END;
CREATE TRIGGER open_list_version_association_renamed AFTER UPDATE OF name ON associations
BEGIN
    UPDATE open_list_version SET version = random() WHERE id = 1;
END;
