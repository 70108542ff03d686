-- Customer feedback and complaints (C10), handled by admins (A9). Every
-- admin reply, the resolution included, is a row of feedback_replies; the
-- customer is told of each in 消息.
CREATE TABLE feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL REFERENCES users (id),
    order_id    INTEGER REFERENCES orders (id),
    category    TEXT    NOT NULL CHECK (category IN ('quality', 'lateness', 'damage', 'other')),
    body        TEXT    NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assigned', 'resolved')),
    handler_id  INTEGER REFERENCES users (id),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    resolved_at TEXT
);
CREATE INDEX feedback_customer_idx ON feedback (customer_id, id);
CREATE INDEX feedback_status_idx ON feedback (status, id);
CREATE INDEX feedback_order_idx ON feedback (order_id);

CREATE TABLE feedback_replies (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    feedback_id INTEGER NOT NULL REFERENCES feedback (id),
    admin_id    INTEGER NOT NULL REFERENCES users (id),
    body        TEXT    NOT NULL,
    resolves    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TEXT    NOT NULL
);
CREATE INDEX feedback_replies_feedback_idx ON feedback_replies (feedback_id, id);

-- Photos the customer adds to their feedback (C10), at most three each.
CREATE TABLE feedback_images (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    feedback_id INTEGER NOT NULL REFERENCES feedback (id),
    storage_key TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL
);
CREATE INDEX feedback_images_feedback_idx ON feedback_images (feedback_id, id);
