-- A review may carry one short video (C9) besides its photos, in the same
-- table: public like them, taken off like them. One per review, also when
-- two uploads race.
ALTER TABLE review_photos ADD COLUMN video BOOLEAN NOT NULL DEFAULT FALSE;
CREATE UNIQUE INDEX review_photos_one_video ON review_photos (review_id) WHERE video;
