-- Issue 11, escalation (handlers/escalation.py): each scheduler tick finds what is due from
-- these partial indexes, never by reading every post.

-- Urgent needs still open, by the time they became urgent: the 'ring2' and 'coordinators'
-- steps read the ones urgent for longer than ESCALATE_AFTER (a handful: they get taken or
-- expire).
CREATE INDEX posts_open_urgent ON posts(urgent_since)
    WHERE status = 'open' AND urgent = 1;

-- Offers still open whose use-by date (DLC) is a given day: the 'dlc_midday' re-send.
CREATE INDEX posts_open_dlc ON posts(deadline)
    WHERE status = 'open' AND kind = 'offer' AND date_kind = 'dlc';
