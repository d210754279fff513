-- An su session names the account that opened it, so that it ends with every session
-- of its opener: logout, a password change, suspension and deletion end both.
ALTER TABLE sessions ADD COLUMN real_account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE;
CREATE INDEX sessions_real_account ON sessions (real_account_id);

-- A one-time key names who registered it: it logs in only while they still dominate the
-- account, and it goes with them.
ALTER TABLE auth_keys ADD COLUMN created_by BIGINT REFERENCES accounts (id) ON DELETE CASCADE;

-- A key is unique for its account only: were it unique across all accounts, registering
-- a key would tell whether someone else's account has it.
DROP INDEX auth_keys_hash;
CREATE UNIQUE INDEX auth_keys_account_hash ON auth_keys (account_id, key_hash);
