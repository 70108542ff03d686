-- A customer's favorite services (C13).
CREATE TABLE favorite_services (
    customer_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    service_id  BIGINT NOT NULL REFERENCES services (id),
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (customer_id, service_id)
);
