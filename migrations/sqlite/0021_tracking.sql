-- Where the worker holding an order was while their position was shared
-- with its customer (C7): from leaving for the order until completing it.
CREATE TABLE order_positions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    worker_id   INTEGER NOT NULL REFERENCES users (id),
    lat         REAL    NOT NULL,
    lng         REAL    NOT NULL,
    recorded_at TEXT    NOT NULL
);
CREATE INDEX order_positions_order_idx ON order_positions (order_id, id);
