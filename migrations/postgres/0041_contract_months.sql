-- What a long contract's order has already paid its nanny month by month
-- (月结, B8): no longer held for the family, so a cancellation refunds
-- only the rest.
ALTER TABLE orders ADD COLUMN paid_out_fen BIGINT NOT NULL DEFAULT 0;
