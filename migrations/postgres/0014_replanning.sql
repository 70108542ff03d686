-- Batch re-planning (issue 4): an order not yet offered to anyone holds a
-- worker's time, and the day planner may move that hold to whoever fits
-- the day best. Each move is kept, for the admin's order page (PostgreSQL dialect).
CREATE TABLE order_replans (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id    BIGINT           NOT NULL REFERENCES orders (id),
    from_worker BIGINT           NOT NULL REFERENCES users (id),
    to_worker   BIGINT           NOT NULL REFERENCES users (id),
    -- The day's planned road kilometres before and after the plan that moved it.
    km_before   DOUBLE PRECISION NOT NULL,
    km_after    DOUBLE PRECISION NOT NULL,
    created_at  TIMESTAMPTZ      NOT NULL
);
CREATE INDEX order_replans_order_idx ON order_replans (order_id);
CREATE INDEX jobs_kind_ref_idx ON jobs (kind, ref_id);
