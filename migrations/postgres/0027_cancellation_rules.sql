-- The customer cancellation rules (B5), edited by admins beside the pricing
-- strategy: one row, versioned like pricing_rules, each change audited.
CREATE TABLE cancellation_policy (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    policy_json TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    updated_by  BIGINT REFERENCES users (id),
    updated_at  TIMESTAMPTZ NOT NULL
);

-- The rules an order was booked under (`7200:2000,1800:5000`), so a later
-- change never alters what its customer agreed to. NULL: booked before
-- orders kept them, and the rules in force apply.
ALTER TABLE orders ADD COLUMN cancel_tiers TEXT;
