-- Three more numbers beside the data version (0014), in the same rows, each moved on
-- in the transaction of the change it counts, whichever process makes it:
--   sessions: a change of a session that a process keeping it must see (its data,
--             its account or opener, an earlier expiry) and every end of one;
--   activity: every session opened, used (its last use or expiry moved) or ended;
--   locks:    every change of the lockout counters (login_failures).
-- A process may keep a session it has read, with its account's row, while the data
-- version and sessions have not moved since: the row is then as it was, but for a
-- later last use and expiry, which only its next write needs. A page of the staff
-- list, whose flags come from sessions and locks, may be kept while data, activity and
-- locks stand still.
ALTER TABLE data_versions ADD COLUMN sessions BIGINT NOT NULL DEFAULT 0;
ALTER TABLE data_versions ADD COLUMN activity BIGINT NOT NULL DEFAULT 0;
ALTER TABLE data_versions ADD COLUMN locks BIGINT NOT NULL DEFAULT 0;
-- dialect: postgres
CREATE FUNCTION bump_session_version() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = pg_backend_pid() % 16; RETURN NULL; END';
CREATE FUNCTION bump_activity_version() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN UPDATE data_versions SET activity = activity + 1 WHERE slot = pg_backend_pid() % 16; RETURN NULL; END';
CREATE FUNCTION bump_lock_version() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN UPDATE data_versions SET locks = locks + 1 WHERE slot = pg_backend_pid() % 16; RETURN NULL; END';
CREATE TRIGGER sessions_session_version_update AFTER UPDATE ON sessions FOR EACH ROW
    WHEN (OLD.data IS DISTINCT FROM NEW.data OR OLD.account_id IS DISTINCT FROM NEW.account_id
          OR OLD.real_account_id IS DISTINCT FROM NEW.real_account_id OR NEW.expiry < OLD.expiry)
    EXECUTE FUNCTION bump_session_version();
CREATE TRIGGER sessions_session_version_end AFTER DELETE OR TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION bump_session_version();
CREATE TRIGGER sessions_activity_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION bump_activity_version();
CREATE TRIGGER login_failures_lock_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON login_failures FOR EACH STATEMENT EXECUTE FUNCTION bump_lock_version();
-- dialect: sqlite
CREATE TRIGGER sessions_session_version_update AFTER UPDATE ON sessions
    WHEN OLD.data IS NOT NEW.data OR OLD.account_id IS NOT NEW.account_id
         OR OLD.real_account_id IS NOT NEW.real_account_id OR NEW.expiry < OLD.expiry
    BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = 0; END;
CREATE TRIGGER sessions_session_version_delete AFTER DELETE ON sessions BEGIN UPDATE data_versions SET sessions = sessions + 1 WHERE slot = 0; END;
CREATE TRIGGER sessions_activity_version_insert AFTER INSERT ON sessions BEGIN UPDATE data_versions SET activity = activity + 1 WHERE slot = 0; END;
CREATE TRIGGER sessions_activity_version_update AFTER UPDATE ON sessions BEGIN UPDATE data_versions SET activity = activity + 1 WHERE slot = 0; END;
CREATE TRIGGER sessions_activity_version_delete AFTER DELETE ON sessions BEGIN UPDATE data_versions SET activity = activity + 1 WHERE slot = 0; END;
CREATE TRIGGER login_failures_lock_version_insert AFTER INSERT ON login_failures BEGIN UPDATE data_versions SET locks = locks + 1 WHERE slot = 0; END;
CREATE TRIGGER login_failures_lock_version_update AFTER UPDATE ON login_failures BEGIN UPDATE data_versions SET locks = locks + 1 WHERE slot = 0; END;
CREATE TRIGGER login_failures_lock_version_delete AFTER DELETE ON login_failures BEGIN UPDATE data_versions SET locks = locks + 1 WHERE slot = 0; END;
