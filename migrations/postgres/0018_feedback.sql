-- Customer feedback and complaints (C10), handled by admins (A9). Every
-- admin reply, the resolution included, is a row of feedback_replies; the
-- customer is told of each in 消息.
CREATE TABLE feedback (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES users (id),
    order_id    BIGINT REFERENCES orders (id),
    category    TEXT   NOT NULL CHECK (category IN ('quality', 'lateness', 'damage', 'other')),
    body        TEXT   NOT NULL,
    status      TEXT   NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'assigned', 'resolved')),
    handler_id  BIGINT REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ
);
CREATE INDEX feedback_customer_idx ON feedback (customer_id, id);
CREATE INDEX feedback_status_idx ON feedback (status, id);
CREATE INDEX feedback_order_idx ON feedback (order_id);

CREATE TABLE feedback_replies (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    admin_id    BIGINT NOT NULL REFERENCES users (id),
    body        TEXT   NOT NULL,
    resolves    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX feedback_replies_feedback_idx ON feedback_replies (feedback_id, id);

-- Photos the customer adds to their feedback (C10), at most three each.
CREATE TABLE feedback_images (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    feedback_id BIGINT NOT NULL REFERENCES feedback (id),
    storage_key TEXT   NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX feedback_images_feedback_idx ON feedback_images (feedback_id, id);
