-- A worker's appeal (申诉, B7) against their suspension or a penalty. The
-- subject is named by `subject_ref`: the suspension's review time (Unix
-- seconds) or the penalty's ledger transaction, so each suspension or
-- penalty is appealed at most once, whatever races.
CREATE TABLE appeals (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id      INTEGER NOT NULL REFERENCES users (id),
    subject        TEXT    NOT NULL CHECK (subject IN ('suspension', 'penalty')),
    subject_ref    INTEGER NOT NULL,
    -- What the worker appeals, as it stood: the suspension's reason or the penalty's memo.
    subject_reason TEXT    NOT NULL,
    amount_fen     INTEGER,
    body           TEXT    NOT NULL,
    status         TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'overturned')),
    decided_by     INTEGER REFERENCES users (id),
    reply          TEXT,
    created_at     TEXT    NOT NULL,
    decided_at     TEXT,
    UNIQUE (worker_id, subject, subject_ref)
);
CREATE INDEX appeals_status_idx ON appeals (status, id);
