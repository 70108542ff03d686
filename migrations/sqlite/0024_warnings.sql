-- A warning (警告, B7) an admin gives a worker, with its reason. It stands
-- until an appeal against it is overturned, which sets `withdrawn_at`.
CREATE TABLE worker_warnings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id    INTEGER NOT NULL REFERENCES users (id),
    reason       TEXT    NOT NULL,
    issued_by    INTEGER NOT NULL REFERENCES users (id),
    created_at   TEXT    NOT NULL,
    withdrawn_at TEXT
);
CREATE INDEX worker_warnings_worker_idx ON worker_warnings (worker_id, id);

-- A warning is appealed like a suspension or a penalty; SQLite changes a
-- CHECK only by rebuilding the table.
CREATE TABLE appeals_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id      INTEGER NOT NULL REFERENCES users (id),
    subject        TEXT    NOT NULL CHECK (subject IN ('suspension', 'penalty', 'warning')),
    subject_ref    INTEGER NOT NULL,
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
INSERT INTO appeals_new SELECT id, worker_id, subject, subject_ref, subject_reason, amount_fen, body, status, decided_by, reply, created_at, decided_at FROM appeals;
DROP TABLE appeals;
ALTER TABLE appeals_new RENAME TO appeals;
CREATE INDEX appeals_status_idx ON appeals (status, id);
