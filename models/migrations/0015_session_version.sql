-- The session version: a number that every committed change or end of a session moves
-- on, beside the data version (0014) and in the same rows. A process may keep a
-- session it has read, with its account's row, while neither number has moved since
-- the read: then the row is as it was, and so are the accounts it joined. Opening a
-- session does not move it, since no process can have kept a session not yet opened.
ALTER TABLE data_versions ADD COLUMN sessions BIGINT NOT NULL DEFAULT 0;
-- dialect: postgres
CREATE FUNCTION bump_session_version() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = pg_backend_pid() % 16; RETURN NULL; END';
CREATE TRIGGER sessions_session_version AFTER UPDATE OR DELETE OR TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION bump_session_version();
-- dialect: sqlite
CREATE TRIGGER sessions_session_version_update AFTER UPDATE ON sessions BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = 0; END;
CREATE TRIGGER sessions_session_version_delete AFTER DELETE ON sessions BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = 0; END;
