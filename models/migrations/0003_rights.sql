-- Rights are named by the funcs they open. A department grants rights to its active
-- members; an employee's personal setting allows or denies one right whatever the
-- departments say.
CREATE TABLE department_rights (
    department_id BIGINT       NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    func          VARCHAR(100) NOT NULL,
    PRIMARY KEY (department_id, func)
);

CREATE TABLE account_rights (
    account_id BIGINT       NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    func       VARCHAR(100) NOT NULL,
    allow      BOOLEAN      NOT NULL,
    PRIMARY KEY (account_id, func)
);
