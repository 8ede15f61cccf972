-- The national olympiad's results, winners and certificates (OLY-5, OLY-6, OLY-7).
-- Keep in step with ../postgres/0007_olympiad_results.sql. Times are epoch milliseconds.

-- One result per participant and subject. Stage 1 (the proctored sitting, still to be built)
-- writes rows with source 'stage1'; the operator's file import writes or corrects rows with
-- source 'import' (the last writer names the source; the audit log keeps what came before).
-- The score is in hundredths of a point (`Centipoints`), so equal scores compare equal.
-- place, region_place and winner are what the last "compute winners" stored: the ranking is
-- per grade and subject; an annulled result has no place and never wins.
CREATE TABLE olympiad_results (
    id              INTEGER PRIMARY KEY,
    campaign_id     BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    participant_id  BIGINT NOT NULL REFERENCES olympiad_participants(id),
    subject         TEXT NOT NULL,
    score           BIGINT NOT NULL CHECK (score >= 0),
    violations      BIGINT NOT NULL DEFAULT 0 CHECK (violations >= 0),
    time_used_ms    BIGINT NOT NULL DEFAULT 0 CHECK (time_used_ms >= 0),
    annulled        BIGINT NOT NULL DEFAULT 0 CHECK (annulled IN (0, 1)),
    source          TEXT NOT NULL CHECK (source IN ('stage1', 'import')),
    updated_at      BIGINT NOT NULL,
    place           BIGINT,
    region_place    BIGINT,
    winner          BIGINT NOT NULL DEFAULT 0 CHECK (winner IN (0, 1)),
    UNIQUE (participant_id, subject),
    FOREIGN KEY (campaign_id, subject) REFERENCES olympiad_subjects(campaign_id, name)
);
CREATE INDEX olympiad_results_campaign ON olympiad_results(campaign_id, winner);

-- How a campaign's winners are chosen (see app/src/olympiad/ranking.rs): 'threshold' (value:
-- the least score that wins, in hundredths) or 'quota' (value: winners per region, ties at
-- the boundary all win). ranked_at: when the ranking was last stored; published_at: from when
-- the public winners page shows the campaign (NULL: not published).
CREATE TABLE olympiad_winner_rules (
    campaign_id   BIGINT PRIMARY KEY REFERENCES olympiad_campaigns(id),
    kind          TEXT NOT NULL CHECK (kind IN ('threshold', 'quota')),
    value         BIGINT NOT NULL CHECK (value >= 0),
    ranked_at     BIGINT,
    published_at  BIGINT,
    updated_at    BIGINT NOT NULL
);

-- Certificates (OLY-6): one of participation per participant, one of a winner per subject
-- won. subject is '' for participation (not NULL: NULLs never clash in a UNIQUE constraint,
-- and the constraint is what makes a second bulk issue issue nothing twice). number is
-- "year-sequence-check" (the check part random, so numbers cannot be guessed in a row); it is
-- what the QR code's verification page looks up.
CREATE TABLE olympiad_certificates (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    campaign_id     BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    participant_id  BIGINT NOT NULL REFERENCES olympiad_participants(id),
    kind            TEXT NOT NULL CHECK (kind IN ('participation', 'winner')),
    subject         TEXT NOT NULL DEFAULT '',
    issued_at       BIGINT NOT NULL,
    issued_by       BIGINT NOT NULL REFERENCES users(id),
    UNIQUE (participant_id, kind, subject)
);
CREATE INDEX olympiad_certificates_campaign ON olympiad_certificates(campaign_id);
