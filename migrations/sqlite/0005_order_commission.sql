-- The platform's commission rate is fixed on the order when it is placed, so
-- changing a category's rate later never changes an order already paid.
ALTER TABLE orders ADD COLUMN commission_bps INTEGER CHECK (commission_bps BETWEEN 0 AND 10000);
