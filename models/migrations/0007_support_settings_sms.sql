-- An employee's mobile number, where employee.sms sends by default; phone stays the
-- desk number.
ALTER TABLE accounts ADD COLUMN mobile VARCHAR(40) NOT NULL DEFAULT '';

-- An employee's support-desk settings (employee.support_tool_settings). An employee
-- without a row has the defaults. max_open_tickets 0 means no limit.
CREATE TABLE support_settings (
    account_id        BIGINT        PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    signature         VARCHAR(2000) NOT NULL DEFAULT '',
    notify_new_ticket BOOLEAN       NOT NULL DEFAULT TRUE,
    notify_channel    VARCHAR(10)   NOT NULL DEFAULT 'email'
                      CHECK (notify_channel IN ('email', 'sms', 'none')),
    max_open_tickets  INTEGER       NOT NULL DEFAULT 0 CHECK (max_open_tickets >= 0)
);

-- Every attempt of employee.sms, delivered or not, with the gateway's answer.
-- Accounts are copied by login too, so that the record outlives them.
CREATE TABLE sms_messages (
    id             $ID,
    created_at     $TIME         NOT NULL,
    sender_id      BIGINT        REFERENCES accounts (id) ON DELETE SET NULL,
    sender_login   VARCHAR(64)   NOT NULL,
    employee_id    BIGINT        REFERENCES accounts (id) ON DELETE SET NULL,
    employee_login VARCHAR(64)   NOT NULL,
    number         VARCHAR(40)   NOT NULL,
    message        VARCHAR(1000) NOT NULL,
    status         VARCHAR(10)   NOT NULL CHECK (status IN ('sent', 'failed')),
    answer         VARCHAR(1000) NOT NULL DEFAULT ''
);
-- The form of employee.sms shows an employee's latest messages.
CREATE INDEX sms_messages_employee ON sms_messages (employee_id, created_at, id);
