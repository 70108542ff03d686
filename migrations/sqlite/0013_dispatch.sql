-- Smart dispatch (issue 4): 抢单 broadcasts and the admin's dispatch settings (SQLite dialect).

-- An offer made to many workers at once; the first accept wins and the
-- others are withdrawn in the same transaction.
ALTER TABLE offers ADD COLUMN broadcast BOOLEAN NOT NULL DEFAULT FALSE;

-- The customer's worker gender preference (B1 hard rule); NULL: anyone.
ALTER TABLE orders ADD COLUMN worker_gender TEXT CHECK (worker_gender IN ('female', 'male'));

-- A category whose workers must have a qualification certificate on file
-- (月嫂, say): a dispatch hard rule the admin switches on per category.
ALTER TABLE categories ADD COLUMN requires_certificate BOOLEAN NOT NULL DEFAULT FALSE;

-- One row: the dispatch crate's DispatchSettings (score weights and offer
-- policy) as JSON. `version` keeps one of two concurrent edits, not a mix.
CREATE TABLE dispatch_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    settings_json TEXT    NOT NULL,
    version       INTEGER NOT NULL,
    updated_by    INTEGER REFERENCES users (id),
    updated_at    TEXT    NOT NULL
);
