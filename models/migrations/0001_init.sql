-- Accounts: root, staff (admin level) and clients (user level) all log in the same way.
CREATE TABLE accounts (
    id            $ID,
    login         VARCHAR(64)  NOT NULL,
    level         INTEGER      NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    enabled       BOOLEAN      NOT NULL DEFAULT TRUE,
    created_at    $TIME        NOT NULL,
    updated_at    $TIME        NOT NULL
);
CREATE UNIQUE INDEX accounts_login ON accounts (login);

-- Sessions, keyed by the SHA-256 of the token so that the table never holds a usable
-- token. account_id, ip and the times are copied out of the data for lists and for
-- ending every session of an account in one statement.
CREATE TABLE sessions (
    id         VARCHAR(64) PRIMARY KEY,
    data       $BLOB       NOT NULL,
    expiry     $TIME       NOT NULL,
    account_id BIGINT      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    ip         VARCHAR(64) NOT NULL DEFAULT '',
    created_at $TIME       NOT NULL,
    last_seen  $TIME       NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- One-time login keys registered by session.newkey, kept as SHA-256 digests.
CREATE TABLE auth_keys (
    id         $ID,
    account_id BIGINT      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key_hash   VARCHAR(64) NOT NULL,
    created_at $TIME       NOT NULL,
    expires_at $TIME       NOT NULL
);
CREATE UNIQUE INDEX auth_keys_hash ON auth_keys (key_hash);
CREATE INDEX auth_keys_account ON auth_keys (account_id);

-- Rows per page, remembered per account and list.
CREATE TABLE list_prefs (
    account_id BIGINT       NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    list       VARCHAR(100) NOT NULL,
    page_size  INTEGER      NOT NULL,
    PRIMARY KEY (account_id, list)
);
