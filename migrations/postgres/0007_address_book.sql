-- The address book (C11): one default address per customer, preselected when booking.
ALTER TABLE addresses ADD COLUMN is_default BOOLEAN NOT NULL DEFAULT FALSE;
