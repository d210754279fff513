-- The data version: a number that every change of staff data (accounts, departments,
-- memberships) and of the page sizes accounts chose (list_prefs) moves on, in the transaction that makes the change, whichever process
-- or tool makes it. A cache of what those tables hold (the staff list's ordered keys
-- and totals, the page sizes) is valid only at the version it was read at, so a write acknowledged by
-- any process is seen by the next read of every other. The version is the sum of a
-- few slots, so that concurrent writers on PostgreSQL seldom queue on one row.
CREATE TABLE data_versions (
    slot    INTEGER PRIMARY KEY,
    version BIGINT  NOT NULL
);
-- dialect: postgres
INSERT INTO data_versions (slot, version) SELECT g, 0 FROM generate_series(0, 15) AS g;
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = pg_backend_pid() % 16; RETURN NULL; END';
CREATE TRIGGER accounts_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER departments_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON departments FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER department_members_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON department_members FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER list_prefs_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON list_prefs FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
-- dialect: sqlite
INSERT INTO data_versions (slot, version) VALUES (0, 0);
CREATE TRIGGER accounts_data_version_insert AFTER INSERT ON accounts BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER accounts_data_version_update AFTER UPDATE ON accounts BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER accounts_data_version_delete AFTER DELETE ON accounts BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER departments_data_version_insert AFTER INSERT ON departments BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER departments_data_version_update AFTER UPDATE ON departments BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER departments_data_version_delete AFTER DELETE ON departments BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER department_members_data_version_insert AFTER INSERT ON department_members BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER department_members_data_version_update AFTER UPDATE ON department_members BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER department_members_data_version_delete AFTER DELETE ON department_members BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER list_prefs_data_version_insert AFTER INSERT ON list_prefs BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER list_prefs_data_version_update AFTER UPDATE ON list_prefs BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
CREATE TRIGGER list_prefs_data_version_delete AFTER DELETE ON list_prefs BEGIN UPDATE data_versions SET version = version + 1 WHERE slot = 0; END;
