-- Calls of the machine APIs per token (the digest of its secret) in the current
-- window of each period, for the request limits; counts are shared by every process.
CREATE TABLE api_usage (
    token   VARCHAR(64) NOT NULL,
    period  VARCHAR(10) NOT NULL,
    started $TIME       NOT NULL,
    count   INTEGER     NOT NULL,
    PRIMARY KEY (token, period)
);
CREATE INDEX api_usage_started ON api_usage (started);
