-- A sender's messages of the last minute are counted on every send
-- (domain::CHAT_SENDS_PER_MINUTE).
CREATE INDEX chat_messages_sender_idx ON chat_messages (sender_id, created_at);
