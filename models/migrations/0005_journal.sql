-- The audit journal: one row per confirmed change (a Save, a group operation or a
-- writing session operation), written in the change's own transaction; a failed
-- change gets a row with its error instead. Accounts are copied by id and login and
-- carry no foreign key, so that history outlives the accounts it names.
CREATE TABLE journal (
    id              $ID,
    created_at      $TIME         NOT NULL,
    account_id      BIGINT,
    account_login   VARCHAR(64)   NOT NULL DEFAULT '',
    -- the account behind an su session or the su parameter
    real_account_id BIGINT,
    real_login      VARCHAR(64)   NOT NULL DEFAULT '',
    func            VARCHAR(100)  NOT NULL,
    elid            TEXT          NOT NULL DEFAULT '',
    ip              VARCHAR(64)   NOT NULL DEFAULT '',
    -- ok, or the protocol's error type (value, access, xml, …)
    result          VARCHAR(20)   NOT NULL,
    error_object    VARCHAR(100)  NOT NULL DEFAULT '',
    error_value     VARCHAR(1000) NOT NULL DEFAULT '',
    error           TEXT          NOT NULL DEFAULT '',
    -- the request's parameters as a JSON object, without credentials
    params          TEXT          NOT NULL DEFAULT ''
);
-- The list sorts newest first by time with id breaking ties, and filters by a time
-- range, by account and by func (wildcards on the lower-cased value in byte order).
CREATE INDEX journal_time ON journal (created_at, id);
CREATE INDEX journal_account ON journal (account_login, id);
CREATE INDEX journal_func ON journal (func, id);
CREATE INDEX journal_account_lower ON journal ((LOWER(account_login)$C), created_at, id);
CREATE INDEX journal_func_lower ON journal ((LOWER(func)$C), created_at, id);
-- Every row of one account, whatever its login was at the time.
CREATE INDEX journal_account_id ON journal (account_id, created_at);
