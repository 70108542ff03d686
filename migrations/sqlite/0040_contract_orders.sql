-- The order a family pays a signed contract (签约, B8) with: held by its
-- nanny from her first day, paid, served and paid out like any other. A
-- contract's order that ended unpaid or cancelled may be paid again.
ALTER TABLE placement_contracts ADD COLUMN order_id INTEGER REFERENCES orders (id);
