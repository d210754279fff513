-- Three more numbers beside the data version (0014), in the same rows, each moved on
-- in the transaction of the change it counts, whichever process makes it:
--   sessions: every change or end of a session;
--   logins:   every session opened;
--   locks:    every change of the lockout counters (login_failures).
-- A process may keep a session it has read, with its account's row, while the data
-- version and sessions have not moved since: the row is then as it was, and so are
-- the accounts it joined. Opening a session moves logins, not sessions, since no
-- process can have kept a session not yet opened. A page of the staff list, whose
-- flags come from sessions and locks, may be kept while all four stand still.
ALTER TABLE data_versions ADD COLUMN sessions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE data_versions ADD COLUMN logins BIGINT NOT NULL DEFAULT 0;
ALTER TABLE data_versions ADD COLUMN locks BIGINT NOT NULL DEFAULT 0;
-- dialect: postgres
CREATE FUNCTION bump_session_version() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = pg_backend_pid() % 16; RETURN NULL; END';
CREATE FUNCTION bump_login_version() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN UPDATE data_versions SET logins = logins + 1 WHERE slot = pg_backend_pid() % 16; RETURN NULL; END';
CREATE FUNCTION bump_lock_version() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN UPDATE data_versions SET locks = locks + 1 WHERE slot = pg_backend_pid() % 16; RETURN NULL; END';
CREATE TRIGGER sessions_session_version AFTER UPDATE OR DELETE OR TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION bump_session_version();
CREATE TRIGGER sessions_login_version AFTER INSERT ON sessions FOR EACH STATEMENT EXECUTE FUNCTION bump_login_version();
CREATE TRIGGER login_failures_lock_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON login_failures FOR EACH STATEMENT EXECUTE FUNCTION bump_lock_version();
-- dialect: sqlite
CREATE TRIGGER sessions_session_version_update AFTER UPDATE ON sessions BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = 0; END;
CREATE TRIGGER sessions_session_version_delete AFTER DELETE ON sessions BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = 0; END;
CREATE TRIGGER sessions_login_version_insert AFTER INSERT ON sessions BEGIN UPDATE data_versions SET logins = logins + 1 WHERE slot = 0; END;
CREATE TRIGGER login_failures_lock_version_insert AFTER INSERT ON login_failures BEGIN UPDATE data_versions SET locks = locks + 1 WHERE slot = 0; END;
CREATE TRIGGER login_failures_lock_version_update AFTER UPDATE ON login_failures BEGIN UPDATE data_versions SET locks = locks + 1 WHERE slot = 0; END;
CREATE TRIGGER login_failures_lock_version_delete AFTER DELETE ON login_failures BEGIN UPDATE data_versions SET locks = locks + 1 WHERE slot = 0; END;
