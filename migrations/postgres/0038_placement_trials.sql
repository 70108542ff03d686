-- 试工 (B8): a paid trial day with the nanny a family chose, at a time and
-- fee staff arrange with both. The family books it as an order held by her,
-- so it is paid, served, confirmed, reviewed and paid out like any other;
-- `order_id` is that order, and a trial that ended unserved may be booked again.
CREATE TABLE placement_trials (
    placement_id BIGINT PRIMARY KEY REFERENCES placements (id),
    worker_id    BIGINT NOT NULL REFERENCES users (id),
    starts_at    TIMESTAMPTZ NOT NULL,
    ends_at      TIMESTAMPTZ NOT NULL,
    fee_fen      BIGINT NOT NULL CHECK (fee_fen > 0),
    -- What a booking names, so nobody pays for terms changed since they read them.
    version      BIGINT NOT NULL DEFAULT 1,
    proposed_by  BIGINT NOT NULL REFERENCES users (id),
    proposed_at  TIMESTAMPTZ NOT NULL,
    order_id     BIGINT REFERENCES orders (id)
);
-- The request an order is the trial of; such an order stays with its nanny.
ALTER TABLE orders ADD COLUMN placement_id BIGINT REFERENCES placements (id);
