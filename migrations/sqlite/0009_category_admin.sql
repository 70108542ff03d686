-- Admins run categories (A1): a delisted category and its services vanish
-- from browsing and booking; its code stays, since workers' skills name it.
ALTER TABLE categories ADD COLUMN listed BOOLEAN NOT NULL DEFAULT TRUE;
CREATE UNIQUE INDEX categories_name ON categories (name);
