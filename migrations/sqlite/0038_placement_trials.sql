-- 试工 (B8): a paid trial day with the nanny a family chose, at a time and
-- fee staff arrange with both. The family books it as an order held by her,
-- so it is paid, served, confirmed, reviewed and paid out like any other;
-- `order_id` is that order, and a trial that ended unserved may be booked again.
CREATE TABLE placement_trials (
    placement_id INTEGER PRIMARY KEY REFERENCES placements (id),
    worker_id    INTEGER NOT NULL REFERENCES users (id),
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    fee_fen      BIGINT NOT NULL CHECK (fee_fen > 0),
    -- What a booking names, so nobody pays for terms changed since they read them.
    version      BIGINT NOT NULL DEFAULT 1,
    proposed_by  INTEGER NOT NULL REFERENCES users (id),
    proposed_at  TEXT NOT NULL,
    order_id     INTEGER REFERENCES orders (id)
);
-- The request an order is the trial of; such an order stays with its nanny.
ALTER TABLE orders ADD COLUMN placement_id INTEGER REFERENCES placements (id);
