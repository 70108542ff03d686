-- The last Beijing calendar day ('YYYY-MM-DD') a certificate is valid on,
-- as the worker stated it when filing (a 健康证 lapses yearly); NULL: none
-- stated (a lifelong qualification, or a document filed before this). An
-- accepted certificate stops counting for dispatch after that day.
ALTER TABLE worker_documents ADD COLUMN expires_on TEXT;
-- When an admin withdrew an accepted qualification certificate (found false,
-- or no longer held): it becomes 'rejected' with the reason in review_note,
-- and this tells a withdrawal from a refusal at first review.
ALTER TABLE worker_documents ADD COLUMN revoked_at TEXT;
