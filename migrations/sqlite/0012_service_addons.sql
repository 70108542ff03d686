-- A service's optional extras (A2 add-ons), as the pricing crate serializes
-- them: [{"code","name","price"}]. Each is charged once per order.
ALTER TABLE services ADD COLUMN addons_json TEXT NOT NULL DEFAULT '[]';
