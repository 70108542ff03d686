-- Accounts, sessions, login throttling, catalog and audit (PostgreSQL dialect).
-- Timestamps are UTC, stored as TIMESTAMPTZ; money is integer fen.

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('customer', 'worker', 'admin')),
    display_name  TEXT    NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ    NOT NULL
);
CREATE INDEX users_role_idx ON users (role, id);

CREATE TABLE worker_profiles (
    user_id          BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL CHECK (status IN ('applicant', 'approved', 'rejected', 'suspended')),
    years_experience INTEGER NOT NULL DEFAULT 0,
    intro            TEXT    NOT NULL DEFAULT '',
    review_note      TEXT    NOT NULL DEFAULT '',
    reviewed_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ    NOT NULL
);
CREATE INDEX worker_profiles_status_idx ON worker_profiles (status);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ    NOT NULL,
    expires_at TIMESTAMPTZ    NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE login_attempts (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    attempted_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_attempts_key_idx ON login_attempts (throttle_key, attempted_at);

CREATE TABLE categories (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    blurb      TEXT    NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE services (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id    BIGINT NOT NULL REFERENCES categories (id),
    name           TEXT    NOT NULL UNIQUE,
    summary        TEXT    NOT NULL,
    content        TEXT    NOT NULL,
    process_steps  TEXT    NOT NULL,
    supplies       TEXT    NOT NULL,
    qualifications TEXT    NOT NULL,
    unit           TEXT    NOT NULL CHECK (unit IN ('hour', 'visit', 'appliance', 'day', 'month26')),
    base_price_fen BIGINT  NOT NULL CHECK (base_price_fen >= 0),
    default_units  INTEGER NOT NULL CHECK (default_units >= 1),
    min_units      INTEGER NOT NULL CHECK (min_units >= 1),
    status         TEXT    NOT NULL CHECK (status IN ('listed', 'delisted')),
    sort_order     INTEGER NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ    NOT NULL
);
CREATE INDEX services_category_idx ON services (category_id, status, sort_order);

CREATE TABLE audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id   BIGINT REFERENCES users (id),
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE app_meta (
    meta_key   TEXT PRIMARY KEY,
    meta_value TEXT NOT NULL
);

-- The six categories are reference data the whole product refers to (SPEC: Catalog).
INSERT INTO categories (code, name, blurb, sort_order) VALUES
    ('daily_cleaning',   '日常保洁',   '居家日常打扫，按小时计费', 1),
    ('deep_cleaning',    '深度保洁',   '开荒、搬家、全屋深度清洁', 2),
    ('appliance',        '家电清洗',   '空调、油烟机、洗衣机拆洗', 3),
    ('home_care',        '家居保养',   '地板、皮具、家具养护',     4),
    ('maternity_nanny',  '月嫂服务',   '专业母婴护理，26天起',     5),
    ('childcare_nanny',  '育儿嫂服务', '婴幼儿照护与早教陪伴',     6);
