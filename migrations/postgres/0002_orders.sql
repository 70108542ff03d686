-- The order loop: worker availability, addresses, orders with their event log,
-- dispatch offers, payments and refunds, reviews and timed jobs (PostgreSQL dialect).

ALTER TABLE worker_profiles ADD COLUMN gender TEXT CHECK (gender IN ('female', 'male'));
-- Category codes the worker is qualified for, comma-separated (e.g. 'daily_cleaning,appliance').
ALTER TABLE worker_profiles ADD COLUMN skills TEXT NOT NULL DEFAULT '';
ALTER TABLE worker_profiles ADD COLUMN home_lat DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE worker_profiles ADD COLUMN home_lng DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE worker_profiles ADD COLUMN area_radius_km DOUBLE PRECISION NOT NULL DEFAULT 0;

CREATE TABLE worker_hours (
    worker_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1440),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1440),
    CHECK (end_minute > start_minute),
    PRIMARY KEY (worker_id, weekday, start_minute)
);

CREATE TABLE addresses (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label         TEXT    NOT NULL,
    contact_name  TEXT    NOT NULL,
    contact_phone TEXT    NOT NULL,
    address_text  TEXT    NOT NULL,
    lat           DOUBLE PRECISION    NOT NULL,
    lng           DOUBLE PRECISION    NOT NULL,
    created_at    TIMESTAMPTZ    NOT NULL
);
CREATE INDEX addresses_customer_idx ON addresses (customer_id, id);

CREATE TABLE orders (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_no           TEXT    NOT NULL UNIQUE,
    customer_id        BIGINT NOT NULL REFERENCES users (id),
    service_id         BIGINT NOT NULL REFERENCES services (id),
    service_name       TEXT    NOT NULL,
    category_code      TEXT    NOT NULL,
    units              INTEGER NOT NULL CHECK (units >= 1),
    quote_json         TEXT    NOT NULL,
    total_fen          BIGINT  NOT NULL CHECK (total_fen >= 0),
    state              TEXT    NOT NULL,
    -- The worker whose time the order holds until someone accepts it.
    reserved_worker_id BIGINT REFERENCES users (id),
    worker_id          BIGINT REFERENCES users (id),
    address_text       TEXT    NOT NULL,
    lat                DOUBLE PRECISION    NOT NULL,
    lng                DOUBLE PRECISION    NOT NULL,
    contact_phone      TEXT    NOT NULL,
    notes              TEXT    NOT NULL DEFAULT '',
    starts_at          TIMESTAMPTZ    NOT NULL,
    ends_at            TIMESTAMPTZ    NOT NULL,
    pay_deadline       TIMESTAMPTZ    NOT NULL,
    paid_fen           BIGINT  NOT NULL DEFAULT 0,
    cancel_fee_fen     BIGINT  NOT NULL DEFAULT 0,
    refund_fen         BIGINT  NOT NULL DEFAULT 0,
    needs_admin        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMPTZ    NOT NULL,
    updated_at         TIMESTAMPTZ    NOT NULL
);
CREATE INDEX orders_customer_idx ON orders (customer_id, id);
CREATE INDEX orders_worker_time_idx ON orders (worker_id, starts_at);
CREATE INDEX orders_reserved_time_idx ON orders (reserved_worker_id, starts_at);
CREATE INDEX orders_state_idx ON orders (state, id);

CREATE TABLE order_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id   BIGINT NOT NULL REFERENCES orders (id),
    kind       TEXT    NOT NULL,
    from_state TEXT,
    to_state   TEXT    NOT NULL,
    actor_kind TEXT    NOT NULL,
    actor_id   BIGINT,
    lat        DOUBLE PRECISION,
    lng        DOUBLE PRECISION,
    detail     TEXT    NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ    NOT NULL
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

CREATE TABLE offers (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id      BIGINT NOT NULL REFERENCES orders (id),
    worker_id     BIGINT NOT NULL REFERENCES users (id),
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'expired', 'withdrawn')),
    -- Why this worker: the rule results and score parts, as JSON.
    explanation   TEXT    NOT NULL,
    offered_at    TIMESTAMPTZ    NOT NULL,
    deadline      TIMESTAMPTZ    NOT NULL,
    responded_at  TIMESTAMPTZ,
    UNIQUE (order_id, worker_id)
);
CREATE INDEX offers_worker_idx ON offers (worker_id, status);

CREATE TABLE payments (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id        BIGINT NOT NULL REFERENCES orders (id),
    provider        TEXT    NOT NULL,
    out_trade_no    TEXT    NOT NULL UNIQUE,
    amount_fen      BIGINT  NOT NULL CHECK (amount_fen > 0),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'paid', 'closed')),
    provider_txn_id TEXT UNIQUE,
    created_at      TIMESTAMPTZ    NOT NULL,
    paid_at         TIMESTAMPTZ
);
CREATE INDEX payments_order_idx ON payments (order_id);

CREATE TABLE refunds (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    payment_id    BIGINT NOT NULL REFERENCES payments (id),
    out_refund_no TEXT    NOT NULL UNIQUE,
    amount_fen    BIGINT  NOT NULL CHECK (amount_fen >= 0),
    status        TEXT    NOT NULL CHECK (status IN ('pending', 'settled')),
    created_at    TIMESTAMPTZ    NOT NULL,
    settled_at    TIMESTAMPTZ
);

CREATE TABLE reviews (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    BIGINT NOT NULL UNIQUE REFERENCES orders (id),
    customer_id BIGINT NOT NULL REFERENCES users (id),
    worker_id   BIGINT NOT NULL REFERENCES users (id),
    quality     INTEGER NOT NULL CHECK (quality BETWEEN 1 AND 5),
    attitude    INTEGER NOT NULL CHECK (attitude BETWEEN 1 AND 5),
    result      INTEGER NOT NULL CHECK (result BETWEEN 1 AND 5),
    body        TEXT    NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ    NOT NULL
);
CREATE INDEX reviews_worker_idx ON reviews (worker_id);

-- Timed work (unpaid expiry, offer timeouts, refund settlement, sandbox
-- notifications): rows survive restarts and are claimed by one instance.
CREATE TABLE jobs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         TEXT    NOT NULL,
    ref_id       BIGINT  NOT NULL,
    payload      TEXT    NOT NULL DEFAULT '',
    due_at       TIMESTAMPTZ    NOT NULL,
    locked_until TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0,
    done_at      TIMESTAMPTZ,
    last_error   TEXT
);
CREATE INDEX jobs_due_idx ON jobs (done_at, due_at);

-- One row per recipient for every change a user should see live; pages
-- follow it over SSE from the last id they saw.
CREATE TABLE live_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    topic      TEXT    NOT NULL,
    order_id   BIGINT,
    created_at TIMESTAMPTZ    NOT NULL
);
CREATE INDEX live_events_user_idx ON live_events (user_id, id);
