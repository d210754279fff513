-- Failed logins, counted per login (kind 'login', subject the login as typed, known or
-- not) and per client address (kind 'ip'). One row per subject, updated with an upsert
-- so that every process counts into the same row. failures counts within the window
-- that began at window_start; locked_until, when in the future, refuses attempts.
CREATE TABLE login_failures (
    kind         VARCHAR(8)   NOT NULL,
    subject      VARCHAR(200) NOT NULL,
    failures     INTEGER      NOT NULL,
    window_start $TIME        NOT NULL,
    locked_until $TIME,
    PRIMARY KEY (kind, subject)
);
CREATE INDEX login_failures_window ON login_failures (window_start);
