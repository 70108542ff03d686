-- SMS one-time codes of the code login (P1): at most one live code per
-- phone, stored as a hash; spent on use, on expiry or after too many
-- wrong tries.
CREATE TABLE login_codes (
    phone      TEXT    PRIMARY KEY,
    code_hash  TEXT    NOT NULL,
    sent_at    TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0
);
