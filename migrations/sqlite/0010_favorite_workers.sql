-- A customer's favorite workers (C13): offered first when they book again.
CREATE TABLE favorite_workers (
    customer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    worker_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (customer_id, worker_id)
);
