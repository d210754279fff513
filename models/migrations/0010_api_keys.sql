-- Credentials of the machine APIs, one row per key, acting as one account. The type
-- says which API takes the key and what it holds: a uis_token (the UIS Data API's
-- permanent access_token) keeps only the digest of its secret; the Voximplant key
-- types keep a public key (public_key) or a secret's digest, and carry a role. A key
-- acts with its account's rights as they are when it is used, and only while the
-- one who created it is enabled and still dominates the account; it goes with either.
CREATE TABLE api_keys (
    id           $ID,
    name         VARCHAR(100) NOT NULL,
    type         VARCHAR(40)  NOT NULL,
    account_id   BIGINT       NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_by   BIGINT       REFERENCES accounts (id) ON DELETE CASCADE,
    -- the SHA-256 of the secret, for the types whose secret is sent as it is
    secret_hash  VARCHAR(64),
    -- a public key (PEM), for the types whose requests are signed
    public_key   TEXT         NOT NULL DEFAULT '',
    role         VARCHAR(40)  NOT NULL DEFAULT '',
    created_at   $TIME        NOT NULL,
    last_used_at $TIME
);
CREATE UNIQUE INDEX api_keys_secret ON api_keys (secret_hash);
CREATE INDEX api_keys_account ON api_keys (account_id);
CREATE INDEX api_keys_created_by ON api_keys (created_by);
CREATE INDEX api_keys_name_lower ON api_keys ((LOWER(name)$C));
