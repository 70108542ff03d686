-- Where the worker holding an order was while their position was shared
-- with its customer (C7): from leaving for the order until completing it.
CREATE TABLE order_positions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES orders (id),
    worker_id   BIGINT NOT NULL REFERENCES users (id),
    lat         DOUBLE PRECISION NOT NULL,
    lng         DOUBLE PRECISION NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_positions_order_idx ON order_positions (order_id, id);
