-- The pricing strategy (A2) and coupons (PostgreSQL dialect).

-- One row: the rules as the pricing crate serializes them. `version` lets
-- two admins editing at once keep one edit, not a silent mix.
CREATE TABLE pricing_rules (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    rules_json  TEXT   NOT NULL,
    version     BIGINT NOT NULL,
    updated_by  BIGINT REFERENCES users (id),
    updated_at  TIMESTAMPTZ NOT NULL
);

-- `terms_json` is the pricing crate's CouponTerms (discount, minimum spend,
-- validity window); `claimed` never exceeds `total_quantity`.
CREATE TABLE coupons (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name            TEXT    NOT NULL,
    terms_json      TEXT    NOT NULL,
    valid_until     BIGINT  NOT NULL,
    per_user_limit  INTEGER NOT NULL CHECK (per_user_limit BETWEEN 1 AND 10),
    total_quantity  INTEGER NOT NULL CHECK (total_quantity >= 1),
    claimed         INTEGER NOT NULL DEFAULT 0 CHECK (claimed BETWEEN 0 AND total_quantity),
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    created_by      BIGINT REFERENCES users (id),
    created_at      TIMESTAMPTZ NOT NULL
);

-- A claimed coupon; `order_id` is set when an order uses it and cleared if
-- that order is cancelled unpaid, so the coupon is never lost.
CREATE TABLE coupon_claims (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    coupon_id    BIGINT NOT NULL REFERENCES coupons (id),
    customer_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    claimed_at   TIMESTAMPTZ NOT NULL,
    order_id     BIGINT REFERENCES orders (id),
    used_at      TIMESTAMPTZ
);
CREATE INDEX coupon_claims_customer ON coupon_claims (customer_id, coupon_id);
CREATE UNIQUE INDEX coupon_claims_order ON coupon_claims (order_id) WHERE order_id IS NOT NULL;
