-- Every sign-in removes expired sessions (so no separate job is needed); without this index
-- that DELETE scans the whole sessions table, on the hot path of an exam or olympiad start.
CREATE INDEX sessions_expires ON sessions(expires_at);
