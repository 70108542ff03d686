-- The admins' background-check note (背景核查, A3) on a worker, with who
-- wrote it last and when. Only admins read it; the worker never does.
ALTER TABLE worker_profiles ADD COLUMN background_note TEXT NOT NULL DEFAULT '';
ALTER TABLE worker_profiles ADD COLUMN background_noted_by INTEGER REFERENCES users (id);
ALTER TABLE worker_profiles ADD COLUMN background_noted_at TEXT;
