-- Each dispatch decision (issue 4, B1) with what it saw: the eligible
-- workers ranked with their score parts and every other candidate with the
-- hard rules it broke, so the admin's order page shows why, as it was then
-- (SQLite dialect).
CREATE TABLE dispatch_decisions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    -- offer, broadcast or escalate
    outcome     TEXT NOT NULL,
    -- who a one-to-one offer went to
    worker_id   INTEGER REFERENCES users (id),
    -- dispatch::Explanation as JSON
    explanation TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX dispatch_decisions_order_idx ON dispatch_decisions (order_id);
