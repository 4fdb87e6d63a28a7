-- Issue 13 part 4 and issue 14 item 4: the equipment calendar's loans and the group purchases
-- reached count in the indicators (storage/indicators.py: /bilan, /rapport, the exports).

-- One association's borrowings by start (its lendings read bookings_owner_loans, 0027).
CREATE INDEX bookings_borrower_loans ON bookings(borrower_association_id, start_at)
    WHERE status IN ('confirmed', 'returned');

-- The group purchases reached in a period, by the moment they were settled.
CREATE INDEX purchases_reached ON purchases(closed_at) WHERE status = 'reached';
