-- Chat (C8): a thread per order (its customer and the worker holding it) and
-- a support thread per customer (the customer and the platform's staff).
-- `thread` is `order:{id}` or `support:{customer_id}`; a message is text or
-- one photo. `client_key` is the sender's key for one send, so a retried
-- send stores the message once.
CREATE TABLE chat_messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread      TEXT    NOT NULL,
    customer_id BIGINT  NOT NULL REFERENCES users (id),
    order_id    BIGINT  REFERENCES orders (id),
    sender_id   BIGINT  NOT NULL REFERENCES users (id),
    sender_side TEXT    NOT NULL CHECK (sender_side IN ('customer', 'worker', 'support')),
    body        TEXT    NOT NULL,
    image_key   TEXT    UNIQUE,
    client_key  TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (sender_id, client_key)
);
CREATE INDEX chat_messages_thread_idx ON chat_messages (thread, id);
CREATE INDEX chat_messages_customer_idx ON chat_messages (customer_id, id);
CREATE INDEX chat_messages_order_idx ON chat_messages (order_id);

-- How far each side of a thread has read. Every admin answers support as
-- one team, so they share the support side's position.
CREATE TABLE chat_reads (
    thread       TEXT    NOT NULL,
    side         TEXT    NOT NULL CHECK (side IN ('customer', 'worker', 'support')),
    last_read_id BIGINT  NOT NULL,
    PRIMARY KEY (thread, side)
);
