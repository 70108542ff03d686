-- The worker's recorded arrival was beyond booking::ARRIVAL_RADIUS_M of the
-- service address (B4): the admin's order monitor (A6) flags the order
-- while it is still under way.
ALTER TABLE orders ADD COLUMN arrived_far BOOLEAN NOT NULL DEFAULT FALSE;
