-- Photos a customer adds to their review (C9). A review is public on its
-- service's page, and so are its photos; the upload form says so.
CREATE TABLE review_photos (
    id          BIGSERIAL PRIMARY KEY,
    review_id   BIGINT NOT NULL REFERENCES reviews (id),
    storage_key TEXT   NOT NULL UNIQUE,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX review_photos_review_idx ON review_photos (review_id, id);
