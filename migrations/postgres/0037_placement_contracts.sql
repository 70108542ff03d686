-- The contract (签约, B8) staff put to a family and the nanny they chose:
-- start day, days and fee. Each side signs the version they read; new terms
-- bump the version and clear both signatures, so nobody signs terms they
-- did not see.
CREATE TABLE placement_contracts (
    placement_id       BIGINT PRIMARY KEY REFERENCES placements (id),
    worker_id          BIGINT NOT NULL REFERENCES users (id),
    start_day          TEXT   NOT NULL,
    days               INTEGER NOT NULL CHECK (days BETWEEN 1 AND 365),
    fee_fen            BIGINT NOT NULL CHECK (fee_fen > 0),
    notes              TEXT   NOT NULL DEFAULT '',
    version            BIGINT NOT NULL DEFAULT 1,
    proposed_by        BIGINT NOT NULL REFERENCES users (id),
    proposed_at        TIMESTAMPTZ NOT NULL,
    customer_signed_at TIMESTAMPTZ,
    worker_signed_at   TIMESTAMPTZ
);
