-- Service pictures for the catalog admin (A1): a cover (the lowest
-- position) and a gallery; files live in the upload store.

CREATE TABLE service_images (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    service_id  INTEGER NOT NULL REFERENCES services (id),
    storage_key TEXT NOT NULL UNIQUE,
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);
CREATE INDEX service_images_service_idx ON service_images (service_id, position, id);
