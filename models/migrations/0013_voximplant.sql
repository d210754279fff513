-- The Voximplant side of the staff, which the Voximplant HTTP API reads and writes:
-- applications, ACD queues and skills (simple named records), the employees that are
-- users of an application, and the money of the account and of those users.

CREATE TABLE vox_applications (
    id         $ID,
    name       VARCHAR(100) NOT NULL,
    created_at $TIME        NOT NULL
);
CREATE UNIQUE INDEX vox_applications_name ON vox_applications ((LOWER(name)));

CREATE TABLE acd_queues (
    id         $ID,
    name       VARCHAR(100) NOT NULL,
    created_at $TIME        NOT NULL
);
CREATE UNIQUE INDEX acd_queues_name ON acd_queues ((LOWER(name)));

CREATE TABLE skills (
    id         $ID,
    name       VARCHAR(100) NOT NULL,
    created_at $TIME        NOT NULL
);
CREATE UNIQUE INDEX skills_name ON skills ((LOWER(name)));

-- An employee who is a user of one application. The user's name, display name,
-- password, activity and mobile phone are the account's login, realname,
-- password, enabled flag and mobile; this row holds only what the account has no
-- column for. balance is the user's own money in minor units (cents), used when
-- parent_accounting is off; it never goes below zero.
CREATE TABLE vox_users (
    account_id        BIGINT        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    application_id    BIGINT        NOT NULL REFERENCES vox_applications (id),
    custom_data       VARCHAR(2000) NOT NULL DEFAULT '',
    parent_accounting BOOLEAN       NOT NULL DEFAULT FALSE,
    balance           BIGINT        NOT NULL DEFAULT 0 CHECK (balance >= 0),
    created_at        $TIME         NOT NULL,
    updated_at        $TIME         NOT NULL
);
CREATE INDEX vox_users_application ON vox_users (application_id);

CREATE TABLE vox_user_queues (
    account_id BIGINT NOT NULL REFERENCES vox_users (account_id) ON DELETE CASCADE,
    queue_id   BIGINT NOT NULL REFERENCES acd_queues (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, queue_id)
);
CREATE INDEX vox_user_queues_queue ON vox_user_queues (queue_id);

-- A skill of a user, with its level from 1 to 5.
CREATE TABLE vox_user_skills (
    account_id BIGINT  NOT NULL REFERENCES vox_users (account_id) ON DELETE CASCADE,
    skill_id   BIGINT  NOT NULL REFERENCES skills (id) ON DELETE CASCADE,
    level      INTEGER NOT NULL DEFAULT 1 CHECK (level BETWEEN 1 AND 5),
    PRIMARY KEY (account_id, skill_id)
);
CREATE INDEX vox_user_skills_skill ON vox_user_skills (skill_id);

-- The account's own money: one row, in minor units of its currency.
CREATE TABLE vox_account (
    id       INTEGER    PRIMARY KEY CHECK (id = 1),
    balance  BIGINT     NOT NULL DEFAULT 0 CHECK (balance >= 0),
    currency VARCHAR(3) NOT NULL DEFAULT 'USD'
);
INSERT INTO vox_account (id, balance, currency) VALUES (1, 0, 'USD');

-- Every movement of money, one row per balance it changes: user_id NULL is the
-- account's balance. amount is signed (what the balance gained), balance what it
-- holds after; both in minor units. The rows of one movement share its transfer id.
CREATE TABLE vox_ledger (
    id          $ID,
    transfer    VARCHAR(32)  NOT NULL,
    created_at  $TIME        NOT NULL,
    user_id     BIGINT       REFERENCES accounts (id) ON DELETE SET NULL,
    user_name   VARCHAR(64)  NOT NULL DEFAULT '',
    amount      BIGINT       NOT NULL,
    balance     BIGINT       NOT NULL,
    description VARCHAR(1000) NOT NULL DEFAULT '',
    actor       VARCHAR(64)  NOT NULL DEFAULT ''
);
CREATE INDEX vox_ledger_user ON vox_ledger (user_id, id);
CREATE INDEX vox_ledger_created ON vox_ledger (created_at, id);
