-- Issue 19: several attempts per candidate, graded by a method of the exam's (Moodle's quiz:
-- highest, average, first, last). Keep in step with ../postgres/0022_exam_attempts_several.sql.

-- How many attempts a candidate may make (1..10; "unlimited" is not offered) and which of
-- their handed-in, not annulled attempts make the mark in the journal.
ALTER TABLE exams ADD COLUMN attempts_allowed BIGINT NOT NULL DEFAULT 1
    CHECK (attempts_allowed BETWEEN 1 AND 10);
ALTER TABLE exams ADD COLUMN grading_method TEXT NOT NULL DEFAULT 'highest'
    CHECK (grading_method IN ('highest','average','first','last'));

-- dialect: begin
-- An attempt is numbered within its candidate's attempts at the exam: UNIQUE (exam_id,
-- student_id, attempt_no) replaces UNIQUE (exam_id, student_id). SQLite cannot drop a table
-- constraint, so the table is rebuilt. Its children (answers, files, evidence, events,
-- violations, appeals) refer to it by name: the rows are set aside, the table dropped and
-- created anew under its own name, and the rows put back with their ids. sqlx runs this in a
-- transaction with foreign keys on, where they cannot be switched off; deferred, dropping the
-- table counts its children's references as broken, and putting each attempt back under the
-- same id counts them whole again, so the commit checks that no attempt was lost. (Creating
-- the new table under another name and renaming it does not: the rename mends no reference
-- and the commit fails.)
PRAGMA defer_foreign_keys = ON;
CREATE TABLE exam_attempts_before_0022 AS SELECT * FROM exam_attempts;
DROP TABLE exam_attempts;
CREATE TABLE exam_attempts (
    id              INTEGER PRIMARY KEY,
    exam_id         BIGINT NOT NULL REFERENCES exams(id),
    student_id      BIGINT NOT NULL REFERENCES users(id),
    started_at      BIGINT NOT NULL,
    deadline_at     BIGINT NOT NULL,
    submitted_at    BIGINT,
    questions       TEXT NOT NULL DEFAULT '[]',
    ticket_id       BIGINT REFERENCES exam_tickets(id),
    proctored       BIGINT NOT NULL DEFAULT 1,
    score_milli     BIGINT,
    max_points      BIGINT,
    needs_grading   BIGINT NOT NULL DEFAULT 0,
    mark            TEXT,
    grader_comment  TEXT NOT NULL DEFAULT '',
    risk            BIGINT NOT NULL DEFAULT 0,
    verdict         TEXT NOT NULL DEFAULT 'pending' CHECK (verdict IN ('pending','valid','annulled')),
    verdict_by      BIGINT REFERENCES users(id),
    verdict_comment TEXT NOT NULL DEFAULT '',
    verdict_at      BIGINT,
    last_seen_at    BIGINT NOT NULL,
    paper_key       TEXT,
    capture         TEXT NOT NULL DEFAULT 'screen' CHECK (capture IN ('screen', 'camera')),
    attempt_no      BIGINT NOT NULL DEFAULT 1,
    UNIQUE (exam_id, student_id, attempt_no)
);
INSERT INTO exam_attempts (id, exam_id, student_id, started_at, deadline_at, submitted_at, questions, ticket_id, proctored,
                           score_milli, max_points, needs_grading, mark, grader_comment, risk, verdict, verdict_by,
                           verdict_comment, verdict_at, last_seen_at, paper_key, capture)
    SELECT id, exam_id, student_id, started_at, deadline_at, submitted_at, questions, ticket_id, proctored,
           score_milli, max_points, needs_grading, mark, grader_comment, risk, verdict, verdict_by,
           verdict_comment, verdict_at, last_seen_at, paper_key, capture
    FROM exam_attempts_before_0022;
DROP TABLE exam_attempts_before_0022;
CREATE INDEX exam_attempts_open ON exam_attempts(submitted_at, deadline_at);
-- dialect: end
