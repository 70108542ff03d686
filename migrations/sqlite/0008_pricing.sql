-- The pricing strategy (A2) and coupons (SQLite dialect).

-- One row: the rules as the pricing crate serializes them. `version` lets
-- two admins editing at once keep one edit, not a silent mix.
CREATE TABLE pricing_rules (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    rules_json  TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    updated_by  INTEGER REFERENCES users (id),
    updated_at  TEXT    NOT NULL
);

-- `terms_json` is the pricing crate's CouponTerms (discount, minimum spend,
-- validity window); `claimed` never exceeds `total_quantity`.
CREATE TABLE coupons (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL,
    terms_json      TEXT    NOT NULL,
    valid_until     INTEGER NOT NULL,
    per_user_limit  INTEGER NOT NULL CHECK (per_user_limit BETWEEN 1 AND 10),
    total_quantity  INTEGER NOT NULL CHECK (total_quantity >= 1),
    claimed         INTEGER NOT NULL DEFAULT 0 CHECK (claimed BETWEEN 0 AND total_quantity),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      INTEGER REFERENCES users (id),
    created_at      TEXT    NOT NULL
);

-- A claimed coupon; `order_id` is set when an order uses it and cleared if
-- that order is cancelled unpaid, so the coupon is never lost.
CREATE TABLE coupon_claims (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    coupon_id    INTEGER NOT NULL REFERENCES coupons (id),
    customer_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    claimed_at   TEXT    NOT NULL,
    order_id     INTEGER REFERENCES orders (id),
    used_at      TEXT
);
CREATE INDEX coupon_claims_customer ON coupon_claims (customer_id, coupon_id);
CREATE UNIQUE INDEX coupon_claims_order ON coupon_claims (order_id) WHERE order_id IS NOT NULL;
