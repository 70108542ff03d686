-- The worker's late-arrival penalties (B5), edited by admins beside the
-- customer cancellation rules: one row, versioned, each change audited.
-- Until an admin saves one, the built-in rule applies.
CREATE TABLE lateness_policy (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    policy_json TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    updated_by  INTEGER REFERENCES users (id),
    updated_at  TEXT    NOT NULL
);
