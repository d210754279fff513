-- Employees are accounts of admin level with a card of their own.
ALTER TABLE accounts ADD COLUMN realname VARCHAR(100) NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN position VARCHAR(100) NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN email VARCHAR(254) NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN phone VARCHAR(40) NOT NULL DEFAULT '';
ALTER TABLE accounts ADD COLUMN default_access_allow BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN all_ip_access BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE accounts ADD COLUMN ip_access TEXT NOT NULL DEFAULT '';
-- The names of the employee's active departments, sorted and comma-separated: what
-- the staff list shows and sorts by, kept up to date with every membership change.
ALTER TABLE accounts ADD COLUMN department_names VARCHAR(1000) NOT NULL DEFAULT '';

-- The staff list reads only accounts of admin level and above (level >= 28); these
-- partial indexes hold just them, one per sort column with the id that breaks ties,
-- and one per wildcard filter on the lower-cased value in byte order.
CREATE INDEX staff_id ON accounts (id) WHERE level >= 28;
CREATE INDEX staff_login ON accounts (login, id) WHERE level >= 28;
CREATE INDEX staff_realname ON accounts (realname, id) WHERE level >= 28;
CREATE INDEX staff_email ON accounts (email, id) WHERE level >= 28;
CREATE INDEX staff_department_names ON accounts (department_names, id) WHERE level >= 28;
CREATE INDEX staff_login_lower ON accounts ((LOWER(login)$C)) WHERE level >= 28;
CREATE INDEX staff_realname_lower ON accounts ((LOWER(realname)$C)) WHERE level >= 28;
CREATE INDEX staff_email_lower ON accounts ((LOWER(email)$C)) WHERE level >= 28;

CREATE TABLE departments (
    id          $ID,
    name        VARCHAR(100)  NOT NULL,
    description VARCHAR(1000) NOT NULL DEFAULT '',
    created_at  $TIME         NOT NULL,
    updated_at  $TIME         NOT NULL
);
CREATE UNIQUE INDEX departments_name ON departments ((LOWER(name)));

INSERT INTO departments (name, description, created_at, updated_at)
VALUES ('Sales department', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
       ('Technical support', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

-- An employee's association with a department: active members count everywhere;
-- an inactive association is kept so that it can be resumed.
CREATE TABLE department_members (
    account_id    BIGINT  NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    department_id BIGINT  NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (account_id, department_id)
);
CREATE INDEX department_members_department ON department_members (department_id, active, account_id);
