-- An su session names the account that opened it, so that it ends with every session
-- of its opener: logout, a password change, suspension and deletion end both.
ALTER TABLE sessions ADD COLUMN real_account_id BIGINT REFERENCES accounts (id) ON DELETE CASCADE;
CREATE INDEX sessions_real_account ON sessions (real_account_id);
