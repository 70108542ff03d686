-- How far each user has read their 消息 (the newest message id they have
-- seen), so their pages can say how many are new. Reading later messages
-- only moves it forward.
CREATE TABLE message_reads (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    last_read_id BIGINT NOT NULL,
    read_at      TEXT NOT NULL
);
