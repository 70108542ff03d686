-- B6: the visits of a recurring booking are orders of their own that name
-- the series' first order, so each is paid, served and cancelled like any
-- other and the series is read back in one query.
ALTER TABLE orders ADD COLUMN series_id BIGINT;
CREATE INDEX orders_series_idx ON orders (series_id, starts_at);
