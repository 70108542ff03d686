-- A warning (警告, B7) an admin gives a worker, with its reason. It stands
-- until an appeal against it is overturned, which sets `withdrawn_at`.
CREATE TABLE worker_warnings (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id    BIGINT NOT NULL REFERENCES users (id),
    reason       TEXT   NOT NULL,
    issued_by    BIGINT NOT NULL REFERENCES users (id),
    created_at   TIMESTAMPTZ NOT NULL,
    withdrawn_at TIMESTAMPTZ
);
CREATE INDEX worker_warnings_worker_idx ON worker_warnings (worker_id, id);

-- A warning is appealed like a suspension or a penalty.
ALTER TABLE appeals DROP CONSTRAINT appeals_subject_check;
ALTER TABLE appeals ADD CONSTRAINT appeals_subject_check CHECK (subject IN ('suspension', 'penalty', 'warning'));
