-- Proof of work (B4). A service may ask for photos before and after; an
-- order keeps, from when it was placed, its service's steps (the checklist
-- its worker ticks) and whether photos are asked for, so a later catalog
-- edit never changes what a worker in the middle of a job must show.
ALTER TABLE services ADD COLUMN proof_photos BOOLEAN NOT NULL DEFAULT FALSE;
-- NULL: placed before orders kept a checklist; nothing to tick.
ALTER TABLE orders ADD COLUMN checklist TEXT;
ALTER TABLE orders ADD COLUMN proof_photos BOOLEAN NOT NULL DEFAULT FALSE;
-- When the customer confirmed the completed service.
ALTER TABLE orders ADD COLUMN confirmed_at TEXT;

-- A ticked checklist step (0-based position in the order's checklist).
-- Ticks are never taken back.
CREATE TABLE order_checks (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    position   INTEGER NOT NULL CHECK (position >= 0),
    checked_at TEXT    NOT NULL,
    PRIMARY KEY (order_id, position)
);

CREATE TABLE order_photos (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id    INTEGER NOT NULL REFERENCES orders (id),
    stage       TEXT    NOT NULL CHECK (stage IN ('before', 'after')),
    storage_key TEXT    NOT NULL UNIQUE,
    created_at  TEXT    NOT NULL
);
CREATE INDEX order_photos_order_idx ON order_photos (order_id, id);
