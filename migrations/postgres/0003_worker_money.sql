-- Worker onboarding documents, leave days, the double-entry ledger, payout
-- accounts and withdrawals (PostgreSQL dialect).

-- 'needs_more': the admin asked for more material; the worker resubmits.
ALTER TABLE worker_profiles DROP CONSTRAINT worker_profiles_status_check;
ALTER TABLE worker_profiles ADD CONSTRAINT worker_profiles_status_check
    CHECK (status IN ('applicant', 'needs_more', 'approved', 'rejected', 'suspended'));
ALTER TABLE worker_profiles ADD COLUMN age INTEGER CHECK (age BETWEEN 16 AND 80);
ALTER TABLE worker_profiles ADD COLUMN submitted_at TIMESTAMPTZ;
UPDATE worker_profiles SET submitted_at = created_at;

-- Photo, ID, health certificate and qualification certificates; the file
-- lives in the upload store under a generated key.
CREATE TABLE worker_documents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT   NOT NULL CHECK (kind IN ('photo', 'id_card', 'health', 'qualification')),
    storage_key  TEXT   NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX worker_documents_worker_idx ON worker_documents (worker_id, kind);

-- Days off (Asia/Shanghai calendar dates, 'YYYY-MM-DD').
CREATE TABLE worker_leave (
    worker_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day       TEXT   NOT NULL,
    PRIMARY KEY (worker_id, day)
);

-- Commission per category in basis points; NULL uses the configured default.
ALTER TABLE categories ADD COLUMN commission_bps INTEGER CHECK (commission_bps BETWEEN 0 AND 10000);

-- The ledger: every transaction's entries sum to zero (checked by the audit
-- query); rows are never updated or deleted, corrections are reversing entries.
CREATE TABLE ledger_transactions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind       TEXT   NOT NULL,
    -- What the transaction is for, e.g. 'capture:12'; a retry or double
    -- click cannot post it twice.
    idem_key   TEXT   NOT NULL UNIQUE,
    order_id   BIGINT REFERENCES orders (id),
    worker_id  BIGINT REFERENCES users (id),
    actor_id   BIGINT REFERENCES users (id),
    memo       TEXT   NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ledger_transactions_worker_idx ON ledger_transactions (worker_id, id);
CREATE INDEX ledger_transactions_order_idx ON ledger_transactions (order_id);

CREATE TABLE ledger_entries (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txn_id     BIGINT NOT NULL REFERENCES ledger_transactions (id),
    account    TEXT   NOT NULL,
    owner_id   BIGINT NOT NULL DEFAULT 0,
    amount_fen BIGINT NOT NULL CHECK (amount_fen <> 0)
);
CREATE INDEX ledger_entries_account_idx ON ledger_entries (account, owner_id);
CREATE INDEX ledger_entries_txn_idx ON ledger_entries (txn_id);

CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger is append-only';
END;
$$;
CREATE TRIGGER ledger_transactions_append_only BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

CREATE TABLE payout_accounts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id   BIGINT  NOT NULL REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('bank', 'wechat', 'alipay')),
    holder_name TEXT    NOT NULL,
    account_no  TEXT    NOT NULL,
    bank_name   TEXT    NOT NULL DEFAULT '',
    removed     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX payout_accounts_worker_idx ON payout_accounts (worker_id);

CREATE TABLE withdrawals (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    worker_id         BIGINT NOT NULL REFERENCES users (id),
    payout_account_id BIGINT NOT NULL REFERENCES payout_accounts (id),
    amount_fen        BIGINT NOT NULL CHECK (amount_fen > 0),
    status            TEXT   NOT NULL CHECK (status IN ('pending', 'paid', 'rejected')),
    reference         TEXT   NOT NULL DEFAULT '',
    reason            TEXT   NOT NULL DEFAULT '',
    requested_at      TIMESTAMPTZ NOT NULL,
    decided_at        TIMESTAMPTZ,
    decided_by        BIGINT REFERENCES users (id)
);
CREATE INDEX withdrawals_worker_idx ON withdrawals (worker_id, id);
CREATE INDEX withdrawals_status_idx ON withdrawals (status, id);
