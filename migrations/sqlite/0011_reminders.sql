-- Reminder channels a customer chooses (C11) and the reminders sent. A
-- reminder is stored once per user, order, kind and channel, so a retried
-- job never sends it twice.
CREATE TABLE reminder_prefs (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    sms        BOOLEAN NOT NULL,
    in_app     BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL
);

-- 'sms' rows are what was handed to the SMS gateway (the sandbox keeps them
-- here); 'in_app' rows are the customer's 消息.
CREATE TABLE messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel    TEXT NOT NULL CHECK (channel IN ('sms', 'in_app')),
    kind       TEXT NOT NULL,
    order_id   INTEGER REFERENCES orders (id),
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, order_id, kind, channel)
);
