-- The telephony side of the staff, which the UIS Data API reads and writes: the same
-- employees, with their names in parts, numbers, extensions, statuses and the simple
-- named records the API refers to by id (positions, schedules, sites).

CREATE TABLE positions (
    id         $ID,
    name       VARCHAR(100) NOT NULL,
    created_at $TIME        NOT NULL
);
CREATE UNIQUE INDEX positions_name ON positions ((LOWER(name)));

CREATE TABLE schedules (
    id         $ID,
    name       VARCHAR(100) NOT NULL,
    created_at $TIME        NOT NULL
);
CREATE UNIQUE INDEX schedules_name ON schedules ((LOWER(name)));

-- A site is its domain name, without the protocol.
CREATE TABLE sites (
    id         $ID,
    domain     VARCHAR(253) NOT NULL,
    created_at $TIME        NOT NULL
);
CREATE UNIQUE INDEX sites_domain ON sites ((LOWER(domain)));

-- The name in parts (realname is them joined: last, first, patronymic), and the
-- position record whose name position holds, when it names one.
ALTER TABLE accounts ADD COLUMN first_name VARCHAR(100) NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN last_name VARCHAR(100) NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN patronymic VARCHAR(100) NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN position_id BIGINT REFERENCES positions (id) ON DELETE SET NULL;
CREATE INDEX staff_last_name ON accounts (last_name, id) WHERE level >= 28;
CREATE INDEX staff_first_name ON accounts (first_name, id) WHERE level >= 28;
CREATE INDEX accounts_position ON accounts (position_id);

-- The parts of the names there are: the first word is the last name, the second the
-- first name, the rest the patronymic (patronymic holds the rest in between).
UPDATE accounts SET
    last_name = CASE WHEN $INSTR(TRIM(realname), ' ') = 0 THEN TRIM(realname)
                     ELSE SUBSTR(TRIM(realname), 1, $INSTR(TRIM(realname), ' ') - 1) END,
    patronymic = CASE WHEN $INSTR(TRIM(realname), ' ') = 0 THEN ''
                      ELSE TRIM(SUBSTR(TRIM(realname), $INSTR(TRIM(realname), ' ') + 1)) END
WHERE level >= 28 AND realname <> '';
UPDATE accounts SET
    first_name = CASE WHEN $INSTR(patronymic, ' ') = 0 THEN patronymic
                      ELSE SUBSTR(patronymic, 1, $INSTR(patronymic, ' ') - 1) END,
    patronymic = CASE WHEN $INSTR(patronymic, ' ') = 0 THEN ''
                      ELSE TRIM(SUBSTR(patronymic, $INSTR(patronymic, ' ') + 1)) END
WHERE level >= 28 AND patronymic <> '';

-- An employee's telephony settings; an employee without a row has the defaults.
-- The call types are comma lists of internal and external.
CREATE TABLE employee_telephony (
    account_id                       BIGINT       PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    status                           VARCHAR(20)  NOT NULL DEFAULT 'available',
    allowed_in_call_types            VARCHAR(20)  NOT NULL DEFAULT 'internal,external',
    allowed_out_call_types           VARCHAR(20)  NOT NULL DEFAULT 'internal,external',
    call_recording                   VARCHAR(3)   NOT NULL DEFAULT 'all',
    schedule_id                      BIGINT       REFERENCES schedules (id) ON DELETE SET NULL,
    coach_id                         BIGINT       REFERENCES accounts (id) ON DELETE SET NULL,
    coach_always_enabled             BOOLEAN      NOT NULL DEFAULT FALSE,
    -- whether the employee is a chat operator; their operator login and password
    -- are the account's
    operator                         BOOLEAN      NOT NULL DEFAULT FALSE,
    operator_display_name            VARCHAR(100) NOT NULL DEFAULT '',
    operator_offline_message_enabled BOOLEAN      NOT NULL DEFAULT FALSE,
    operator_invite_to_chat_enabled  BOOLEAN      NOT NULL DEFAULT FALSE,
    operator_chat_enabled            BOOLEAN      NOT NULL DEFAULT TRUE,
    operator_chats_available         BOOLEAN      NOT NULL DEFAULT FALSE
);
CREATE INDEX employee_telephony_schedule ON employee_telephony (schedule_id);
CREATE INDEX employee_telephony_coach ON employee_telephony (coach_id);

CREATE TABLE employee_sites (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    site_id    BIGINT NOT NULL REFERENCES sites (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, site_id)
);
CREATE INDEX employee_sites_site ON employee_sites (site_id);

-- Extension numbers: one numbering plan for employees and groups (departments).
CREATE TABLE extensions (
    number        VARCHAR(5) PRIMARY KEY,
    account_id    BIGINT     UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
    department_id BIGINT     UNIQUE REFERENCES departments (id) ON DELETE CASCADE,
    voice_mail    BOOLEAN    NOT NULL DEFAULT FALSE,
    queue         BOOLEAN    NOT NULL DEFAULT FALSE,
    CHECK ((account_id IS NULL) <> (department_id IS NULL))
);

-- A group's dialling settings.
ALTER TABLE departments ADD COLUMN queue_enabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE departments ADD COLUMN channels_count INTEGER NOT NULL DEFAULT 1;

-- Phone numbers with their settings, shared by the employees who have them.
CREATE TABLE phone_numbers (
    id             $ID,
    number         VARCHAR(40) NOT NULL,
    channels_count INTEGER     NOT NULL DEFAULT 1,
    dial_time      INTEGER     NOT NULL DEFAULT 60,
    active         BOOLEAN     NOT NULL DEFAULT TRUE
);
CREATE UNIQUE INDEX phone_numbers_number ON phone_numbers (number);

-- An employee's numbers in dialling order. role marks the number the form API calls
-- phone or mobile (accounts.phone and accounts.mobile hold the same).
CREATE TABLE employee_numbers (
    id         $ID,
    account_id BIGINT      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    number_id  BIGINT      NOT NULL REFERENCES phone_numbers (id) ON DELETE CASCADE,
    position   INTEGER     NOT NULL,
    role       VARCHAR(10) NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX employee_numbers_entry ON employee_numbers (account_id, number_id);
CREATE INDEX employee_numbers_number ON employee_numbers (number_id);

INSERT INTO phone_numbers (number)
SELECT DISTINCT n FROM (
    SELECT phone AS n FROM accounts WHERE level >= 28 AND phone <> ''
    UNION SELECT mobile AS n FROM accounts WHERE level >= 28 AND mobile <> ''
) AS card;
INSERT INTO employee_numbers (account_id, number_id, position, role)
SELECT a.id, p.id, 0, 'phone' FROM accounts AS a JOIN phone_numbers AS p ON p.number = a.phone
WHERE a.level >= 28 AND a.phone <> '';
INSERT INTO employee_numbers (account_id, number_id, position, role)
SELECT a.id, p.id, 1, 'mobile' FROM accounts AS a JOIN phone_numbers AS p ON p.number = a.mobile
WHERE a.level >= 28 AND a.mobile <> '' AND a.mobile <> a.phone;

-- The order and availability of a group's member numbers; a member's number without
-- a row comes after those with one, available.
CREATE TABLE group_numbers (
    department_id BIGINT  NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    entry_id      BIGINT  NOT NULL REFERENCES employee_numbers (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    available     BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (department_id, entry_id)
);
CREATE INDEX group_numbers_entry ON group_numbers (entry_id);
