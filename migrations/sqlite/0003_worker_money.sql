-- Worker onboarding documents, leave days, the double-entry ledger, payout
-- accounts and withdrawals (SQLite dialect).

-- 'needs_more': the admin asked for more material; the worker resubmits.
-- SQLite cannot alter a CHECK, so the table is rebuilt with the new status.
CREATE TABLE worker_profiles_new (
    user_id          INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL CHECK (status IN ('applicant', 'needs_more', 'approved', 'rejected', 'suspended')),
    years_experience INTEGER NOT NULL DEFAULT 0,
    intro            TEXT    NOT NULL DEFAULT '',
    review_note      TEXT    NOT NULL DEFAULT '',
    reviewed_at      TEXT,
    created_at       TEXT    NOT NULL,
    gender           TEXT CHECK (gender IN ('female', 'male')),
    skills           TEXT    NOT NULL DEFAULT '',
    home_lat         REAL    NOT NULL DEFAULT 0,
    home_lng         REAL    NOT NULL DEFAULT 0,
    area_radius_km   REAL    NOT NULL DEFAULT 0,
    age              INTEGER CHECK (age BETWEEN 16 AND 80),
    submitted_at     TEXT
);
INSERT INTO worker_profiles_new (user_id, status, years_experience, intro, review_note, reviewed_at, created_at,
                                 gender, skills, home_lat, home_lng, area_radius_km, submitted_at)
SELECT user_id, status, years_experience, intro, review_note, reviewed_at, created_at,
       gender, skills, home_lat, home_lng, area_radius_km, created_at
FROM worker_profiles;
DROP TABLE worker_profiles;
ALTER TABLE worker_profiles_new RENAME TO worker_profiles;
CREATE INDEX worker_profiles_status_idx ON worker_profiles (status);

-- Photo, ID, health certificate and qualification certificates; the file
-- lives in the upload store under a generated key.
CREATE TABLE worker_documents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('photo', 'id_card', 'health', 'qualification')),
    storage_key  TEXT    NOT NULL UNIQUE,
    created_at   TEXT    NOT NULL
);
CREATE INDEX worker_documents_worker_idx ON worker_documents (worker_id, kind);

-- Days off (Asia/Shanghai calendar dates, 'YYYY-MM-DD').
CREATE TABLE worker_leave (
    worker_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day       TEXT    NOT NULL,
    PRIMARY KEY (worker_id, day)
);

-- Commission per category in basis points; NULL uses the configured default.
ALTER TABLE categories ADD COLUMN commission_bps INTEGER CHECK (commission_bps BETWEEN 0 AND 10000);

-- The ledger: every transaction's entries sum to zero (checked by the audit
-- query); rows are never updated or deleted, corrections are reversing entries.
CREATE TABLE ledger_transactions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kind       TEXT    NOT NULL,
    -- What the transaction is for, e.g. 'capture:12'; a retry or double
    -- click cannot post it twice.
    idem_key   TEXT    NOT NULL UNIQUE,
    order_id   INTEGER REFERENCES orders (id),
    worker_id  INTEGER REFERENCES users (id),
    actor_id   INTEGER REFERENCES users (id),
    memo       TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);
CREATE INDEX ledger_transactions_worker_idx ON ledger_transactions (worker_id, id);
CREATE INDEX ledger_transactions_order_idx ON ledger_transactions (order_id);

CREATE TABLE ledger_entries (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id     INTEGER NOT NULL REFERENCES ledger_transactions (id),
    account    TEXT    NOT NULL,
    owner_id   INTEGER NOT NULL DEFAULT 0,
    amount_fen BIGINT  NOT NULL CHECK (amount_fen <> 0)
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account, owner_id);
CREATE INDEX ledger_entries_txn_idx ON ledger_entries (txn_id);

CREATE TRIGGER ledger_transactions_append_only_update BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_transactions_append_only_delete BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_entries_append_only_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_entries_append_only_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

CREATE TABLE payout_accounts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id   INTEGER NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('bank', 'wechat', 'alipay')),
    holder_name TEXT    NOT NULL,
    account_no  TEXT    NOT NULL,
    bank_name   TEXT    NOT NULL DEFAULT '',
    removed     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TEXT    NOT NULL
);
CREATE INDEX payout_accounts_worker_idx ON payout_accounts (worker_id);

CREATE TABLE withdrawals (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    worker_id         INTEGER NOT NULL REFERENCES users (id),
    payout_account_id INTEGER NOT NULL REFERENCES payout_accounts (id),
    amount_fen        BIGINT  NOT NULL CHECK (amount_fen > 0),
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'paid', 'rejected')),
    reference         TEXT    NOT NULL DEFAULT '',
    reason            TEXT    NOT NULL DEFAULT '',
    requested_at      TEXT    NOT NULL,
    decided_at        TEXT,
    decided_by        INTEGER REFERENCES users (id)
);
CREATE INDEX withdrawals_worker_idx ON withdrawals (worker_id, id);
CREATE INDEX withdrawals_status_idx ON withdrawals (status, id);
