-- Big relays leave the request's transaction (issue 12): a post reaching thousands of members
-- commits its reply, the first chunk of its relay and one `fanout_jobs` row; a background task
-- (bot/fanout_jobs.py) queues the rest, one short transaction per chunk of members taken in
-- `members.id` order after `cursor`, each chunk's outbox rows and the cursor's move together:
-- a crash between chunks resumes after the last chunk committed, nobody twice, nobody missed.
--
-- Everything a chunk needs, since the handler (and its render closure) is gone by then:
-- the audience (`association_ids`, a JSON array), who is left out (`exclude_members`, a JSON
-- array: the writer and the members who get the post another way), what preferences are checked
-- against (`category`, `urgent`, at `decided_at`: the message's moment, as in the request), the
-- rows' `priority` and `post_id`, and the text rendered once per language (`payload_ids`, a JSON
-- object language -> payloads.id). A finished job is deleted; one that keeps failing is left
-- `failed` with its error for an operator.
CREATE TABLE fanout_jobs (
    id              INTEGER PRIMARY KEY,
    association_ids TEXT NOT NULL,
    exclude_members TEXT NOT NULL,
    category        TEXT,
    urgent          INTEGER NOT NULL,
    priority        INTEGER NOT NULL,
    post_id         INTEGER,
    payload_ids     TEXT NOT NULL,
    decided_at      TEXT NOT NULL,
    cursor          INTEGER NOT NULL DEFAULT 0,
    state           TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX fanout_jobs_running ON fanout_jobs(id) WHERE state = 'running';
