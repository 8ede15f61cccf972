-- Stage 1 of the national olympiad (OLY-3): the proctored sitting, on the exam engine.
-- Keep in step with ../sqlite/0008_olympiad_stage.sql. Times are epoch milliseconds.
--
-- Each variant (subject x region x grade x language) is an ordinary exam: proctoring, autosave,
-- resuming, review and reports all work as for any exam. The candidates of a region, grade and
-- language form one group (an organisation under the region), holding the
-- olympiad_participant role there; its journals (one per subject) have no lessons, so no mark
-- lands anywhere, and belong to the operator who prepared the stage, whose question bank the
-- papers are drawn from: topic "{grade}-{language}" (e.g. "7-kk"), `questions` per paper.

CREATE TABLE olympiad_stages (
    campaign_id   BIGINT PRIMARY KEY REFERENCES olympiad_campaigns(id),
    owner_id      BIGINT NOT NULL REFERENCES users(id),
    questions     BIGINT NOT NULL CHECK (questions BETWEEN 1 AND 200),
    duration_min  BIGINT NOT NULL CHECK (duration_min BETWEEN 5 AND 600),
    prepared_at   BIGINT NOT NULL,
    -- When the operator last closed windows and collected results (NULL: never).
    collected_at  BIGINT
);

CREATE TABLE olympiad_stage_exams (
    exam_id      BIGINT PRIMARY KEY REFERENCES exams(id),
    campaign_id  BIGINT NOT NULL REFERENCES olympiad_campaigns(id),
    subject      TEXT NOT NULL,
    region_id    BIGINT NOT NULL REFERENCES organisations(id),
    grade        BIGINT NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('kk', 'ru')),
    group_id     BIGINT NOT NULL REFERENCES organisations(id),
    UNIQUE (campaign_id, subject, region_id, grade, language),
    FOREIGN KEY (campaign_id, subject) REFERENCES olympiad_subjects(campaign_id, name)
);
CREATE INDEX olympiad_stage_exams_region ON olympiad_stage_exams(campaign_id, region_id);

-- A certificate whose result was annulled (or whose win went) after it was issued is withdrawn,
-- not deleted: its number still answers, saying since when it is no longer valid. A reversal
-- (an appeal won) restores it. See olympiad/certificates.rs, follow_results.
ALTER TABLE olympiad_certificates ADD COLUMN withdrawn_at BIGINT;
