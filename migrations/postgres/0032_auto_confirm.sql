-- B4: a completed order its customer neither confirms nor disputes is
-- confirmed by the platform after a few days; this marks those.
ALTER TABLE orders ADD COLUMN confirmed_auto BOOLEAN NOT NULL DEFAULT FALSE;
