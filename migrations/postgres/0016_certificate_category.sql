-- A qualification certificate names the service category it qualifies the
-- worker for (月嫂 needs a 母婴护理 certificate, not any certificate). One
-- filed before this names none and counts for no category that requires one.
ALTER TABLE worker_documents ADD COLUMN category_code TEXT;
