-- Patient correlations [ITI TF-2 3.55.4.2.3.1, 3.55.4.1.2.4]: which id a patient has in
-- each community, and the negative results ("no match there"), each until it expires.
-- Times are Unix milliseconds. An empty remote id is a negative result.
CREATE TABLE correlations (
    local_root        TEXT    NOT NULL,
    local_extension   TEXT    NOT NULL,
    home_community_id TEXT    NOT NULL,
    remote_root       TEXT    NOT NULL,
    remote_extension  TEXT    NOT NULL,
    direction         TEXT    NOT NULL,
    learned_at        BIGINT  NOT NULL,
    expires_at        BIGINT  NOT NULL,
    PRIMARY KEY (local_root, local_extension, home_community_id, direction, remote_root, remote_extension)
);
CREATE INDEX correlations_remote ON correlations (remote_root, remote_extension);
CREATE INDEX correlations_expiry ON correlations (expires_at);
