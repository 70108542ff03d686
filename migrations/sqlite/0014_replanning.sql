-- Batch re-planning (issue 4): an order not yet offered to anyone holds a
-- worker's time, and the day planner may move that hold to whoever fits
-- the day best, or to make room for a new booking. Each move is kept, for
-- the admin's order page (SQLite dialect).
CREATE TABLE order_replans (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    from_worker INTEGER NOT NULL REFERENCES users (id),
    to_worker   INTEGER NOT NULL REFERENCES users (id),
    -- The day's planned road kilometres before and after the plan that moved
    -- it; NULL when the move made room for a new booking.
    km_before   REAL,
    km_after    REAL,
    created_at  TEXT    NOT NULL
);
CREATE INDEX order_replans_order_idx ON order_replans (order_id);
CREATE INDEX jobs_kind_ref_idx ON jobs (kind, ref_id);
