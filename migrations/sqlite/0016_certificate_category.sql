-- A qualification certificate names the service category it qualifies the
-- worker for (月嫂 needs a 母婴护理 certificate, not any certificate). One
-- filed before this names none and counts for no category that requires one.
ALTER TABLE worker_documents ADD COLUMN category_code TEXT;
-- Documents filed with an application are reviewed with it. A certificate an
-- approved worker files later counts only once an admin accepts it.
ALTER TABLE worker_documents ADD COLUMN review_state TEXT NOT NULL DEFAULT 'accepted'
    CHECK (review_state IN ('accepted', 'pending', 'rejected'));
ALTER TABLE worker_documents ADD COLUMN review_note TEXT NOT NULL DEFAULT '';
