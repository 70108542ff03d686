-- 操作日志 lists newest first by one action, one actor or one record; without
-- these a filter for a rare record reads the whole log.
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_target_idx ON audit_log (target, id);
