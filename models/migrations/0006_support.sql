-- The support desk: departments that clients may write to, and who answers first.
ALTER TABLE departments ADD COLUMN show_in_support BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE departments ADD COLUMN default_responsible BIGINT REFERENCES accounts (id) ON DELETE SET NULL;

-- A client's ticket. last_message_at is the time of the last message clients see.
CREATE TABLE tickets (
    id              $ID,
    subject         VARCHAR(200) NOT NULL,
    client_id       BIGINT       NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    department_id   BIGINT       NOT NULL REFERENCES departments (id),
    status          VARCHAR(20)  NOT NULL,
    created_at      $TIME        NOT NULL,
    last_message_at $TIME        NOT NULL
);
CREATE INDEX tickets_client ON tickets (client_id, id);
CREATE INDEX tickets_department ON tickets (department_id, id);
CREATE INDEX tickets_status ON tickets (status, id);
CREATE INDEX tickets_last_message ON tickets (last_message_at, id);

-- Messages: replies of the client and of staff, and internal notes (note) that
-- clients never see. The author's login is copied so that history survives them.
CREATE TABLE ticket_messages (
    id           $ID,
    ticket_id    BIGINT      NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id    BIGINT      REFERENCES accounts (id) ON DELETE SET NULL,
    author_login VARCHAR(64) NOT NULL,
    note         BOOLEAN     NOT NULL DEFAULT FALSE,
    body         TEXT        NOT NULL,
    created_at   $TIME       NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

-- Who holds a ticket now: an employee, or the queue of a department. One row per
-- ticket; a transfer replaces it, so its id names one assignment.
CREATE TABLE ticket_assignments (
    id            $ID,
    ticket_id     BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    employee_id   BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    department_id BIGINT REFERENCES departments (id) ON DELETE SET NULL,
    created_at    $TIME  NOT NULL
);
CREATE UNIQUE INDEX ticket_assignments_ticket ON ticket_assignments (ticket_id);
CREATE INDEX ticket_assignments_employee ON ticket_assignments (employee_id);
CREATE INDEX ticket_assignments_department ON ticket_assignments (department_id);

-- Every change of hands: from whom, to whom, by whom (and who was behind an su).
CREATE TABLE ticket_history (
    id         $ID,
    ticket_id  BIGINT       NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    created_at $TIME        NOT NULL,
    actor      VARCHAR(64)  NOT NULL,
    real_actor VARCHAR(64)  NOT NULL DEFAULT '',
    from_whom  VARCHAR(200) NOT NULL,
    to_whom    VARCHAR(200) NOT NULL,
    reason     VARCHAR(200) NOT NULL DEFAULT ''
);
CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, id);
