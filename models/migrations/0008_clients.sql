-- The client list reads only accounts of user level (level = 16); like the staff_*
-- indexes, these partial indexes hold just them, one per sort column with the id that
-- breaks ties, and one per wildcard filter on the lower-cased value in byte order.
-- Clients outnumber staff by far, so the list must not scan every account.
CREATE INDEX client_id ON accounts (id) WHERE level = 16;
CREATE INDEX client_login ON accounts (login, id) WHERE level = 16;
CREATE INDEX client_realname ON accounts (realname, id) WHERE level = 16;
CREATE INDEX client_email ON accounts (email, id) WHERE level = 16;
CREATE INDEX client_login_lower ON accounts ((LOWER(login)$C)) WHERE level = 16;
CREATE INDEX client_realname_lower ON accounts ((LOWER(realname)$C)) WHERE level = 16;
CREATE INDEX client_email_lower ON accounts ((LOWER(email)$C)) WHERE level = 16;
