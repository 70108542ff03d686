-- A customer's favorite services (C13).
CREATE TABLE favorite_services (
    customer_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    service_id  INTEGER NOT NULL REFERENCES services (id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (customer_id, service_id)
);
