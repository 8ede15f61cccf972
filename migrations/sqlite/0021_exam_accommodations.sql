-- Accommodations (issue 19): one candidate's extra time and own window for an exam, as Moodle's
-- user overrides have them. Set by the exam's teacher, every change audited. A NULL window is
-- the exam's (or the candidate's sitting's); the extra minutes lengthen the attempt, and an
-- own window may end after the exam's.
CREATE TABLE exam_accommodations (
    exam_id         BIGINT NOT NULL REFERENCES exams(id),
    student_id      BIGINT NOT NULL REFERENCES users(id),
    extra_min       BIGINT NOT NULL DEFAULT 0 CHECK (extra_min >= 0),
    opens_at        BIGINT,
    closes_at       BIGINT,
    reason          TEXT NOT NULL DEFAULT '',
    set_by          BIGINT NOT NULL REFERENCES users(id),
    set_at          BIGINT NOT NULL,
    PRIMARY KEY (exam_id, student_id),
    CHECK ((opens_at IS NULL) = (closes_at IS NULL) AND (opens_at IS NULL OR opens_at < closes_at))
);
