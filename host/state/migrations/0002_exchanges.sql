-- Pending asynchronous exchanges [ITI TF-2 Appendix V; 3.55.6.2]: answers the gateway still
-- owes (to a ReplyTo or respondTo address) and answers it still waits for. A row is kept
-- until it is delivered or given up, and is then kept for the operator. Times are Unix
-- milliseconds. `lease_owner`/`lease_until`: the replica delivering it now; a lease that
-- ran out (the replica died) lets another take the row.
CREATE TABLE exchanges (
    id              TEXT    NOT NULL PRIMARY KEY,
    direction       TEXT    NOT NULL,
    transaction_id  TEXT    NOT NULL,
    relates_to      TEXT    NOT NULL,
    address         TEXT    NOT NULL,
    content_type    TEXT    NOT NULL,
    body            BYTEA   NOT NULL,
    state           TEXT    NOT NULL,
    attempts        BIGINT  NOT NULL,
    created_at      BIGINT  NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    horizon_at      BIGINT  NOT NULL,
    lease_owner     TEXT,
    lease_until     BIGINT,
    finished_at     BIGINT,
    last_error      TEXT
);
CREATE INDEX exchanges_due ON exchanges (state, next_attempt_at);
CREATE INDEX exchanges_relates_to ON exchanges (relates_to);
