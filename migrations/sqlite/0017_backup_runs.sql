-- Issue 21: backups taken by `talap backup`, one row each once it is complete. /metrics reports
-- the newest, so the operator's alert fires when the nightly backup stops succeeding (the backup
-- folder may be on another machine than the node that is scraped).
CREATE TABLE backup_runs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    finished_at BIGINT NOT NULL,
    tables      BIGINT NOT NULL,
    rows_total  BIGINT NOT NULL,
    objects     BIGINT NOT NULL,
    bytes       BIGINT NOT NULL
);
